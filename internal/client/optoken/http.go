package optoken

import (
	"net/http"
	"time"

	"clientarea/internal/platform/apperr"
	"clientarea/internal/platform/httpapi"
)

// ConsumeRoute is where the services that execute operations redeem tokens.
const ConsumeRoute = "POST /tfa/operation-tokens/consume"

// Mount serves ConsumeRoute on rt behind guard (principal.Resolver's
// RequireService: in AWS the route is IAM-authorised).
func Mount(rt *httpapi.Router, s Store, guard httpapi.Middleware) {
	rt.Handle(ConsumeRoute, ConsumeHandler(s), guard)
}

// consumeRequest is ConsumeRoute's body.
type consumeRequest struct {
	Token     string `json:"token"`
	Operation string `json:"operation"`
	ClientID  string `json:"client_id"`
}

// consumed is ConsumeRoute's answer.
type consumed struct {
	Consumed   bool      `json:"consumed"`
	ClientID   string    `json:"client_id"`
	Operation  string    `json:"operation"`
	ConsumedAt time.Time `json:"consumed_at"`
}

// ConsumeHandler redeems the token of the request's body: 200 once, then
// 409 token_used. It authorises nothing itself: mount it behind a guard.
func ConsumeHandler(s Store) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		body, err := httpapi.ReadBody(w, r)
		if err != nil {
			return err
		}
		req, err := decodeConsume(body)
		if err != nil {
			return err
		}
		at, err := s.redeem(r.Context(), req.Token, req.ClientID, req.Operation)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, consumed{Consumed: true, ClientID: req.ClientID, Operation: req.Operation, ConsumedAt: at})
		return nil
	}
}

// decodeConsume strictly decodes and checks a ConsumeRoute body: 400 for
// what is not the body's shape, 422 naming every missing field and a
// malformed operation. The token's form is Consume's business (a 404).
func decodeConsume(body []byte) (consumeRequest, error) {
	var req consumeRequest
	if err := httpapi.Unmarshal(body, &req); err != nil {
		return req, err
	}
	var f apperr.Fields
	f.Check(req.Token != "", "token", "is required")
	if req.Operation == "" {
		f.Add("operation", "is required")
	} else if err := f.Include(ValidateOperation(req.Operation)); err != nil {
		return req, err
	}
	f.Check(req.ClientID != "", "client_id", "is required")
	return req, f.Err()
}
