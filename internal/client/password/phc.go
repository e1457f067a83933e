package password

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Limits on what a stored hash may ask for. Verify allocates MemoryKiB and
// runs Iterations passes before it can say no, so a corrupt or planted hash
// with m=4294967295 must be refused while parsing, not by running out of
// memory. The ceilings are far above Current() so that raising it stays
// possible, and far below what a Lambda function could survive.
const (
	maxMemoryKiB   = 256 * 1024 // 256 MiB
	maxIterations  = 10
	maxParallelism = 16
	// RFC 9106 section 3.1: the salt is at least 8 bytes, the tag at least 4.
	minSaltBytes = 8
	minKeyBytes  = 4
	// Well past any sane salt or tag; bounds what a hash can make us allocate.
	maxSaltBytes = 64
	maxKeyBytes  = 64
)

// b64 is the PHC encoding: standard alphabet, no padding. Strict refuses
// non-zero trailing bits, so each salt and hash has exactly one spelling.
var b64 = base64.RawStdEncoding.Strict()

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC string as Hash writes it and refuses anything else:
// other algorithms, other versions, optional PHC fields (keyid, data), and
// parameters outside the limits above. Errors never quote the string, since
// it holds a salt and hash that do not belong in logs.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	// "" before the first "$", then id, version, parameters, salt, hash;
	// SplitN stops at a seventh part, however many "$" a bad string holds.
	parts := strings.SplitN(encoded, "$", 7)
	if len(parts) != 6 || parts[0] != "" {
		return Params{}, nil, nil, malformed("want 5 fields, each after a $")
	}
	if parts[1] != "argon2id" {
		return Params{}, nil, nil, malformed("the algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, malformed("the version is not v=%d", argon2.Version)
	}
	if p, err = parseCosts(parts[3]); err != nil {
		return Params{}, nil, nil, err
	}
	if salt, err = decodeField("salt", parts[4], minSaltBytes, maxSaltBytes); err != nil {
		return Params{}, nil, nil, err
	}
	if key, err = decodeField("hash", parts[5], minKeyBytes, maxKeyBytes); err != nil {
		return Params{}, nil, nil, err
	}
	p.SaltBytes, p.KeyBytes = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// parseCosts reads "m=<KiB>,t=<passes>,p=<lanes>", in that order (the order
// the PHC format fixes for argon2).
func parseCosts(s string) (Params, error) {
	fields := strings.SplitN(s, ",", 4)
	if len(fields) != 3 {
		return Params{}, malformed("want the parameters m, t and p")
	}
	m, err := parseCost(fields[0], "m", 32)
	if err != nil {
		return Params{}, err
	}
	t, err := parseCost(fields[1], "t", 32)
	if err != nil {
		return Params{}, err
	}
	par, err := parseCost(fields[2], "p", 8)
	if err != nil {
		return Params{}, err
	}
	p := Params{MemoryKiB: uint32(m), Iterations: uint32(t), Parallelism: uint8(par)}
	if problem := p.costProblem(); problem != "" {
		return Params{}, malformed("%s", problem)
	}
	return p, nil
}

// parseCost reads "name=<decimal>". ParseUint with base 10 takes no sign,
// no underscores and no prefix, so each value has one spelling too.
func parseCost(field, name string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(field, name+"=")
	if !ok {
		return 0, malformed("want parameter %s", name)
	}
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil {
		return 0, malformed("parameter %s is not a number in range", name)
	}
	return n, nil
}

func decodeField(name, s string, minBytes, maxBytes int) ([]byte, error) {
	// The decoder skips \r and \n; the format has none.
	if strings.ContainsAny(s, "\r\n") || len(s) > b64.EncodedLen(maxBytes) {
		return nil, malformed("the %s is not %d to %d bytes of unpadded base64", name, minBytes, maxBytes)
	}
	b, err := b64.DecodeString(s)
	if err != nil || len(b) < minBytes || len(b) > maxBytes {
		return nil, malformed("the %s is not %d to %d bytes of unpadded base64", name, minBytes, maxBytes)
	}
	return b, nil
}

// costProblem says why argon2.IDKey must not run with p's costs, or "" when
// it may: it would panic on t or p of 0, silently raise m below 8 KiB per
// lane (RFC 9106 section 3.1), and must not take more memory or time than a
// hash may ask for.
func (p Params) costProblem() string {
	switch {
	case p.Parallelism < 1 || p.Parallelism > maxParallelism:
		return fmt.Sprintf("p is not 1 to %d", maxParallelism)
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Sprintf("t is not 1 to %d", maxIterations)
	case p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Sprintf("m is not 8*p to %d KiB", maxMemoryKiB)
	}
	return ""
}

// check refuses parameters to hash with that decode would refuse to read.
func (p Params) check() error {
	if problem := p.costProblem(); problem != "" {
		return fmt.Errorf("password: invalid parameters: %s", problem)
	}
	if p.SaltBytes < minSaltBytes || p.SaltBytes > maxSaltBytes {
		return fmt.Errorf("password: invalid parameters: salt is not %d to %d bytes", minSaltBytes, maxSaltBytes)
	}
	if p.KeyBytes < minKeyBytes || p.KeyBytes > maxKeyBytes {
		return fmt.Errorf("password: invalid parameters: key is not %d to %d bytes", minKeyBytes, maxKeyBytes)
	}
	return nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
