// Package app builds, once per process, what the functions share (config,
// logger, AWS clients, table, clock, authorization), and holds the registry
// of functions: the one place where each function's handler is wired. The
// Lambda entry points, the local dev server, the invoker and the tests all
// build handlers from here, so they cannot differ.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"

	"clientarea/internal/awsclients"
	"clientarea/internal/clock"
	"clientarea/internal/config"
	"clientarea/internal/documents"
	"clientarea/internal/dynamo"
	"clientarea/internal/general"
	"clientarea/internal/httpapi"
	"clientarea/internal/languages"
	"clientarea/internal/logging"
	"clientarea/internal/notify"
	"clientarea/internal/otp"
	"clientarea/internal/outbox"
	"clientarea/internal/principal"
	"clientarea/internal/sectionapi"
	"clientarea/internal/security"
	"clientarea/internal/sms"
	"clientarea/internal/translator"
	"clientarea/internal/verification"
)

// Deps is what the functions' handlers are built from.
type Deps struct {
	Config config.Config
	Table  dynamo.Table
	Clock  clock.Clock
	Auth   principal.Resolver
	Outbox *outbox.Memory // local tools only: where SMS and email go instead of AWS

	SMS    sms.Sender       // SNS in AWS (and with SNS_ENDPOINT), else the outbox
	Notify notify.Publisher // the notification topic in AWS, else the outbox
	OTPKey []byte           // HMAC key of one-time-password hashes (see otp.LoadKey)
	// Translator is nil unless machine translation is configured.
	Translator translator.Translator
}

// Load reads the environment, sets the default logger and builds the AWS
// clients: everything a Lambda function does once per cold start.
func Load(ctx context.Context) (*Deps, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	slog.SetDefault(logging.New(os.Stdout, cfg.LogLevel))
	awsCfg, err := awsclients.Load(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d := New(cfg, dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), clock.System{})
	d.UseSNS(awsCfg)
	d.ConnectAWS(awsCfg)
	d.Outbox = nil
	if cfg.OTPKeySecretARN != "" {
		sm := awsclients.SecretsManager(awsCfg, cfg.SecretsManagerEndpoint)
		if d.OTPKey, err = otp.LoadKey(ctx, sm, cfg.OTPKeySecretARN); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// UseSNS sends SMS and notification events through Amazon SNS (or the
// server at SNS_ENDPOINT) instead of the outbox.
func (d *Deps) UseSNS(awsCfg aws.Config) {
	client := awsclients.SNS(awsCfg, d.Config.SNSEndpoint)
	d.SMS = sms.SNS{Client: client}
	d.Notify = notify.Topic{Client: client, TopicARN: d.Config.NotificationTopicARN}
}

// ConnectAWS builds the AWS clients besides DynamoDB and SNS that the
// configuration asks for: the translator, when machine translation is on.
func (d *Deps) ConnectAWS(awsCfg aws.Config) {
	if d.Config.TranslateEnabled {
		d.Translator = translator.NewAWS(awsCfg, d.Config.TranslateEndpoint)
	}
}

// New assembles Deps from parts (tests and local tools pass their own).
// SMS and notifications go to an in-memory outbox until UseSNS.
func New(cfg config.Config, db dynamo.API, clk clock.Clock) *Deps {
	box := &outbox.Memory{}
	var key []byte
	if cfg.OTPKey != "" {
		key = []byte(cfg.OTPKey)
	}
	return &Deps{
		Config: cfg,
		Table:  dynamo.Table{DB: db, Name: cfg.TableName},
		Clock:  clk,
		Auth: principal.Resolver{
			AdminClaimName:  cfg.AdminClaimName,
			AdminClaimValue: cfg.AdminClaimValue,
			DevAdminToken:   cfg.DevAdminToken,
		},
		Outbox: box,
		SMS:    sms.Outbox{Box: box, Clock: clk},
		Notify: notify.Outbox{Box: box, Clock: clk},
		OTPKey: key,
	}
}

func (d *Deps) sectionEnv() sectionapi.Env {
	return sectionapi.Env{Table: d.Table, Clock: d.Clock, Guard: d.Auth.RequireAdmin}
}

// OTP returns the one-time-password engine.
func (d *Deps) OTP() *otp.Engine { return otp.New(d.Table, d.Clock, d.OTPKey, d.SMS) }

// functions maps each function's name (its folder under functions/, and its
// template.yaml logical id without the "Function" suffix) to its wiring.
var functions = map[string]func(*Deps) *httpapi.Router{
	"general": func(d *Deps) *httpapi.Router {
		rt := httpapi.NewRouter()
		sectionapi.Mount(rt, general.Section, d.sectionEnv())
		return rt
	},
	"documents": func(d *Deps) *httpapi.Router {
		rt := httpapi.NewRouter()
		sectionapi.Mount(rt, documents.Section, d.sectionEnv())
		return rt
	},
	"verification": func(d *Deps) *httpapi.Router {
		rt := httpapi.NewRouter()
		verification.Mount(rt, d.sectionEnv(), d.Translator)
		return rt
	},
	"languages": func(d *Deps) *httpapi.Router {
		rt := httpapi.NewRouter()
		languages.Mount(rt, d.sectionEnv(), languages.VerificationGaps(d.Table, d.Clock))
		return rt
	},
	"security": func(d *Deps) *httpapi.Router {
		rt := httpapi.NewRouter()
		store := sectionapi.Mount(rt, security.Section, d.sectionEnv())
		sectionapi.Mount(rt, security.RegistrationSection, d.sectionEnv())
		security.MountTestSMS(rt, store, d.OTP(), d.Auth.RequireAdmin)
		return rt
	},
}

// sendsOTP names the functions that send one-time passwords: their cold
// start fails without the OTP key rather than hash codes with none.
var sendsOTP = map[string]bool{"security": true}

// ColdStartCheck reports what the named function lacks to run in AWS.
func ColdStartCheck(name string, d *Deps) error {
	if sendsOTP[name] {
		if err := otp.CheckKey(d.OTPKey); err != nil {
			return fmt.Errorf("function %s sends one-time passwords: %w (set OTP_KEY_SECRET_ARN)", name, err)
		}
	}
	return nil
}

// Names lists the registered functions, sorted.
func Names() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Build returns the handler of the named function.
func Build(name string, d *Deps) (*httpapi.Router, error) {
	build, ok := functions[name]
	if !ok {
		return nil, fmt.Errorf("no function named %q (known: %v)", name, Names())
	}
	return build(d), nil
}

// MustBuild is a Lambda cold start: Load, then Build the named function. It
// logs and exits when either fails, since a function without its
// configuration cannot answer anything.
func MustBuild(ctx context.Context, name string) *httpapi.Router {
	deps, err := Load(ctx)
	if err == nil {
		err = ColdStartCheck(name, deps)
	}
	if err == nil {
		var h *httpapi.Router
		if h, err = Build(name, deps); err == nil {
			return h
		}
	}
	slog.Error("cold start failed", "function", name, "error", err.Error())
	os.Exit(1)
	return nil
}
