package protocol

// Refusal codes of the HTTP surface alone (see README.md, HTTP API).
const (
	CodeForbidden     Code = "forbidden"          // an operator's request not made the way operators make it
	CodeBadParameter  Code = "bad_parameter"      // a query parameter or path element is out of range
	CodeMethodUnknown Code = "method_not_allowed" // no such method on that path
	CodeInternal      Code = "internal"           // the server failed; the cause is in its log
)
