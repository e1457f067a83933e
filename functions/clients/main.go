// Command clients is the Lambda function of client administration
// (/admin/clients...: read, list, verification level and status, personal
// manager) and of the audit trail (/admin/audit...: read, and restore a
// section from it). Its behaviour lives in internal/client/clientadmin;
// its wiring is its Function.
package main

import (
	"clientarea/internal/app"
	"clientarea/internal/client/clientadmin"
)

func main() {
	app.Start("clients", clientadmin.Function)
}
