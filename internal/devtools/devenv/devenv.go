// Package devenv sets up what the local tools (dev server, invoker) share:
// a DynamoDB Local with the service's table, and the functions'
// dependencies pointed at it, with the dev admin token enabled.
package devenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"clientarea/internal/app"
	"clientarea/internal/devtools/dynamolocal"
	"clientarea/internal/devtools/samtemplate"
	"clientarea/internal/platform/awsclients"
	"clientarea/internal/platform/clock"
	"clientarea/internal/platform/config"
	"clientarea/internal/platform/dynamo"
)

// Options says which DynamoDB to use.
type Options struct {
	// DynamoDBPort is where to start DynamoDB Local (0: a free port),
	// unless DYNAMODB_ENDPOINT names one that is already running.
	DynamoDBPort int
	// Persist keeps the data in .cache/dynamodb-data between runs.
	Persist bool
	// Logf reports progress.
	Logf func(format string, args ...any)
}

// Env is a ready local environment.
type Env struct {
	Deps     *app.Deps
	Template *samtemplate.Template
	Endpoint string
	server   *dynamolocal.Server // nil when an external DynamoDB is used
}

// Open starts (or connects to) DynamoDB Local, creates the table from
// template.yaml if it is missing, and builds the functions' dependencies.
func Open(ctx context.Context, opt Options) (*Env, error) {
	tpl, err := samtemplate.Find()
	if err != nil {
		return nil, err
	}
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		v, ok := os.LookupEnv(k)
		if !ok || v == "" {
			v, ok = localDefaults[k]
		}
		return v, ok
	})
	if err != nil {
		return nil, err
	}
	env := &Env{Template: tpl, Endpoint: cfg.DynamoDBEndpoint}
	if env.Endpoint == "" {
		if err := env.startDynamoDB(ctx, tpl.Dir, opt); err != nil {
			return nil, err
		}
		cfg.DynamoDBEndpoint = env.Endpoint
	} else {
		opt.Logf("using DynamoDB at %s (DYNAMODB_ENDPOINT)", env.Endpoint)
	}
	awsCfg, err := awsclients.Load(ctx, cfg)
	if err != nil {
		env.Close()
		return nil, err
	}
	db := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint)
	if err := dynamolocal.CreateTable(ctx, db, cfg.TableName, tpl.Table); err != nil {
		env.Close()
		return nil, fmt.Errorf("%w (is %s a DynamoDB?)", err, env.Endpoint)
	}
	env.Deps = app.New(cfg, awsCfg, db, clock.System{}) // SMS and email into the outbox...
	if cfg.SNSEndpoint != "" {
		opt.Logf("SMS and notifications go to SNS at %s (SNS_ENDPOINT)", cfg.SNSEndpoint) // ...unless an SNS is given
	}
	return env, nil
}

// DynamoDBPort is the port of the local tools' DynamoDB Local:
// $DYNAMODB_PORT, or 8000.
func DynamoDBPort() int {
	if v, err := strconv.Atoi(os.Getenv("DYNAMODB_PORT")); err == nil && v > 0 {
		return v
	}
	return 8000
}

// localDefaults are the settings of the local tools when the environment
// does not give them.
var localDefaults = map[string]string{
	"TABLE_NAME":                 "clientarea-local",
	"CLIENTAREA_DEV_ADMIN_TOKEN": config.DefaultDevAdminToken,
	// Stands in for IAM on the routes internal services call.
	"CLIENTAREA_DEV_SERVICE_TOKEN": config.DefaultDevServiceToken,
	// A fixed, public key: fine for local codes, never used in AWS, where
	// the functions read the key from Secrets Manager.
	"CLIENTAREA_OTP_KEY": "local-development-otp-key-not-a-secret",
	// Where notification events would go; the outbox takes them locally.
	"NOTIFICATION_TOPIC_ARN": "arn:aws:sns:us-east-1:000000000000:clientarea-local-notifications",
}

func (e *Env) startDynamoDB(ctx context.Context, root string, opt Options) error {
	jar, err := dynamolocal.Jar(root)
	if err != nil {
		return err
	}
	if opt.DynamoDBPort != 0 && dynamolocal.PortInUse(opt.DynamoDBPort) {
		// Most likely the DynamoDB Local of an earlier run that was killed
		// without a chance to stop it: use it rather than fail.
		e.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", opt.DynamoDBPort)
		opt.Logf("port %d is taken; using the DynamoDB Local already listening there", opt.DynamoDBPort)
		return nil
	}
	dbPath := ""
	if opt.Persist {
		dbPath = filepath.Join(root, ".cache", "dynamodb-data")
	}
	srv, err := dynamolocal.Start(ctx, jar, dynamolocal.Options{Port: opt.DynamoDBPort, DBPath: dbPath})
	if err != nil {
		return err
	}
	e.server, e.Endpoint = srv, srv.Endpoint
	where := "in memory"
	if dbPath != "" {
		where = "data in " + dbPath
	}
	opt.Logf("DynamoDB Local at %s (%s)", srv.Endpoint, where)
	return nil
}

// Close stops the DynamoDB Local that Open started.
func (e *Env) Close() {
	if e.server != nil {
		e.server.Stop()
		e.server = nil
	}
}
