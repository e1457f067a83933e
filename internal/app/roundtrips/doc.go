// Package roundtrips holds, in its tests, what every route of the HTTP API
// may cost in AWS calls and how long the common ones take:
//
//   - TestRoutesStayWithinTheirRoundTrips drives every route of
//     template.yaml through the real handlers (behind the session
//     authorizer where deployed so) against DynamoDB Local, counts each
//     AWS call with package callcount, and fails when a route makes more
//     calls than its row in allowance allows, when a route has no row or a
//     row no route, or when docs/PERFORMANCE.md's table is not the one the
//     rows print.
//   - The benchmarks time a configuration GET and PUT, a client's
//     configuration Query, a client GET through the authorizer and the
//     authorizer alone, each interleaved with a bare GetItem in one loop
//     (`make bench`; docs/PERFORMANCE.md).
//
// The package has no code of its own beyond this comment.
package roundtrips
