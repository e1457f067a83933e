// Package password checks and stores client passwords.
//
// A stored password is an argon2id hash in the PHC string format
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash), so every stored hash carries
// its own parameters: raising Current() later never breaks an old hash, and
// Verify tells the caller when to store a stronger one.
//
// The rules a new password must follow (Check) are NIST SP 800-63B's: a
// minimum and maximum length, no well-known password, nothing derived from
// the account's email, and no composition rules.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id parameters.
type Params struct {
	MemoryKiB   uint32 // m: memory cost in KiB
	Iterations  uint32 // t: passes over the memory
	Parallelism uint8  // p: lanes (one core each)
	SaltBytes   uint32 // length of the random salt
	KeyBytes    uint32 // length of the derived hash
}

// Current is what new hashes are made with: OWASP's minimum for argon2id
// (19 MiB, two passes, one lane). One lane because a Lambda function below
// 1,769 MB of memory has at most one vCPU, so more lanes would only queue.
func Current() Params {
	return Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1, SaltBytes: 16, KeyBytes: 32}
}

// ErrMalformed is wrapped by every error about a stored hash that cannot be
// read. Such a hash means corrupt or foreign data, never a wrong password,
// so callers should treat it as an internal failure.
var ErrMalformed = errors.New("password: malformed hash")

// Hash returns the PHC string of pw hashed with Current() and a fresh salt.
func Hash(pw string) (string, error) {
	return hashWith(pw, Current())
}

func hashWith(pw string, p Params) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading a salt: %w", err)
	}
	key := derive(pw, salt, p)
	return encode(p, salt, key), nil
}

// Verify reports whether pw matches the stored hash encoded. needsRehash is
// true when pw matched but encoded was made with weaker parameters than
// Current(): the caller then holds the plain password, the one moment a
// stronger hash can be stored. err reports a hash that cannot be read (see
// ErrMalformed); it is never about the password.
func Verify(encoded, pw string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got := derive(pw, salt, p)
	// Constant time, so that response times say nothing about how many
	// leading bytes of a guess's hash were right.
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(Current()), nil
}

// ParamsOf reads the parameters back from a stored hash, with SaltBytes and
// KeyBytes taken from the lengths of its salt and hash.
func ParamsOf(encoded string) (Params, error) {
	p, _, _, err := decode(encoded)
	return p, err
}

// dummyHash is a hash made with Current() of a random password nobody kept, for
// SpendDummy. A test keeps its parameters equal to Current(), so that the
// time spent stays the time a real Verify takes.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$DFr4QUEQ8h2rnM61ftLQIw$WXXoTt6+sv0CzW5cfabJ8RaQpW3UCo/yxPFyUdfOiGM"

// SpendDummy spends the time of one Verify without any stored hash. A login
// for an email that has no account calls it, so that the answer takes as
// long as for a wrong password and the response time does not tell which
// emails are registered.
func SpendDummy(pw string) {
	_, _, _ = Verify(dummyHash, pw)
}

// hashing holds one slot per CPU: hashes beyond that wait rather than run
// at once. A Lambda instance hashes one request at a time anyway; a process
// serving many (the dev server) would otherwise take 19 MiB and a share of
// the CPU per hash in flight, and under a burst of logins every request
// would slow down together until all time out.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

func derive(pw string, salt []byte, p Params) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyBytes)
}

// weakerThan reports whether any cost of p is below floor's. A longer salt
// counts too: it is free to add and a short one helps precomputation.
func (p Params) weakerThan(floor Params) bool {
	return p.MemoryKiB < floor.MemoryKiB ||
		p.Iterations < floor.Iterations ||
		p.Parallelism < floor.Parallelism ||
		p.KeyBytes < floor.KeyBytes ||
		p.SaltBytes < floor.SaltBytes
}
