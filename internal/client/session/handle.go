package session

import (
	"context"
	"log/slog"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"clientarea/internal/app"
	"clientarea/internal/platform/logging"
	"clientarea/internal/platform/principal"
)

// Function wires the session authorizer's Lambda function.
func Function(_ context.Context, d *app.Deps) (app.Authorizer, error) {
	return Authorizer{Table: d.Table, Clock: d.Clock, Kept: &KeptLimits{TTL: d.Config.ConfigCacheTTL}}.Handle, nil
}

// Handle is the HTTP API Lambda authorizer (payload 2.0, simple
// responses). It always authorizes, with its verdict in the context, and
// never fails: principal.RequireSession turns a refusal into the
// contract's answer.
func (a Authorizer) Handle(ctx context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	if id := req.RequestContext.RequestID; id != "" {
		ctx = logging.WithRequestID(ctx, id)
	}
	d := a.decide(ctx, bearer(req.Headers), req.RouteKey)
	d.log(ctx, req.RouteKey, req.RequestContext.HTTP.SourceIP)
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: d.AuthorizerContext()}, nil
}

// bearer returns the token of an "Authorization: Bearer <token>" header
// (names and scheme in any case), or "".
func bearer(headers map[string]string) string {
	for name, value := range headers {
		if !strings.EqualFold(name, "authorization") {
			continue
		}
		scheme, tok, ok := strings.Cut(strings.TrimSpace(value), " ")
		if ok && strings.EqualFold(scheme, "bearer") {
			return strings.TrimLeft(tok, " ")
		}
	}
	return ""
}

// log writes the decision's one line: INFO when admitted, WARN when
// refused, ERROR when the sessions could not be read, unless the caller
// had gone away (a read cancelled with its request is INFO: nobody
// receives the decision, and the service did not fail). Never a token.
func (d decision) log(ctx context.Context, route, sourceIP string) {
	level := slog.LevelWarn
	switch {
	case d.Verdict == principal.VerdictOK:
		level = slog.LevelInfo
	case d.Verdict == principal.VerdictUnavailable && ctx.Err() == context.Canceled:
		level = slog.LevelInfo
	case d.Verdict == principal.VerdictUnavailable:
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("verdict", d.Verdict), slog.String("route", route),
		slog.String("session_id", d.claimed), slog.String("source_ip", sourceIP),
	}
	if d.reason != "" {
		attrs = append(attrs, slog.String("reason", d.reason))
	}
	if d.ClientID != "" {
		attrs = append(attrs, slog.String("subject", d.ClientID))
	}
	if d.err != nil {
		attrs = append(attrs, slog.String("error", d.err.Error()))
	}
	slog.LogAttrs(ctx, level, "session authorizer", attrs...)
}
