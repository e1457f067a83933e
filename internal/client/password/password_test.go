package password

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestHashWritesCurrentParamsAndAFreshSalt(t *testing.T) {
	a, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(a, want) {
		t.Errorf("Hash = %q, want prefix %q", a, want)
	}
	p, err := ParamsOf(a)
	if err != nil {
		t.Fatal(err)
	}
	if p != Current() {
		t.Errorf("ParamsOf(Hash) = %+v, want Current() = %+v", p, Current())
	}
	if saltOf(a) == saltOf(b) {
		t.Errorf("two hashes of one password share the salt %q", saltOf(a))
	}
	if a == b {
		t.Error("two hashes of one password are equal")
	}
}

func saltOf(encoded string) string {
	return strings.Split(encoded, "$")[4]
}

// Current must stay at least OWASP's argon2id minimum.
func TestCurrentIsOWASPMinimum(t *testing.T) {
	want := Params{MemoryKiB: 19456, Iterations: 2, Parallelism: 1, SaltBytes: 16, KeyBytes: 32}
	if Current() != want {
		t.Errorf("Current() = %+v, want %+v", Current(), want)
	}
	if err := Current().check(); err != nil {
		t.Errorf("Current() is outside the accepted limits: %v", err)
	}
}

func TestVerify(t *testing.T) {
	const pw = "Tr0ub4dor&3 but longer"
	encoded, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"right", pw, true},
		{"wrong", "Tr0ub4dor&3 but longeR", false},
		{"prefix", pw[:len(pw)-1], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(encoded, tt.pw)
			if err != nil || ok != tt.ok || rehash {
				t.Errorf("Verify = %v, %v, %v; want %v, false, nil", ok, rehash, err, tt.ok)
			}
		})
	}
}

func TestVerifyReportsWeakerParamsForRehash(t *testing.T) {
	const pw = "an old but correct password"
	cur := Current()
	tests := []struct {
		name string
		p    Params
	}{
		{"lower memory and passes", Params{MemoryKiB: 4096, Iterations: 1, Parallelism: 1, SaltBytes: 16, KeyBytes: 32}},
		{"one pass", Params{MemoryKiB: cur.MemoryKiB, Iterations: 1, Parallelism: 1, SaltBytes: 16, KeyBytes: 32}},
		{"short key", Params{MemoryKiB: cur.MemoryKiB, Iterations: cur.Iterations, Parallelism: 1, SaltBytes: 16, KeyBytes: 16}},
		{"short salt", Params{MemoryKiB: cur.MemoryKiB, Iterations: cur.Iterations, Parallelism: 1, SaltBytes: 8, KeyBytes: 32}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := hashWith(pw, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := ParamsOf(encoded); err != nil || got != tt.p {
				t.Errorf("ParamsOf = %+v, %v; want %+v", got, err, tt.p)
			}
			ok, rehash, err := Verify(encoded, pw)
			if err != nil || !ok || !rehash {
				t.Errorf("Verify(right) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			// Only a matching password can be rehashed, so only it says so.
			ok, rehash, err = Verify(encoded, pw+"!")
			if err != nil || ok || rehash {
				t.Errorf("Verify(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

// A stronger hash than Current() is kept as it is: lowering Current() must
// not make every login rewrite its hash.
func TestVerifyKeepsStrongerParams(t *testing.T) {
	p := Current()
	p.Iterations, p.Parallelism, p.KeyBytes = 3, 2, 48
	encoded, err := hashWith("pw", p)
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := Verify(encoded, "pw")
	if err != nil || !ok || rehash {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

// Valid salt and hash fields, to build malformed strings around.
const (
	salt16 = "DFr4QUEQ8h2rnM61ftLQIw"
	hash32 = "WXXoTt6+sv0CzW5cfabJ8RaQpW3UCo/yxPFyUdfOiGM"
)

var malformedHashes = []struct{ name, encoded string }{
	{"empty", ""},
	{"just a dollar", "$"},
	{"no leading dollar", "argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"argon2d", "$argon2d$v=19$m=19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"upper-case id", "$ARGON2ID$v=19$m=19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
	{"v=16", "$argon2id$v=16$m=19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"no version", "$argon2id$m=19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"no hash", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16},
	{"no salt or hash", "$argon2id$v=19$m=19456,t=2,p=1"},
	{"empty hash", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$"},
	{"empty salt", "$argon2id$v=19$m=19456,t=2,p=1$$" + hash32},
	{"extra field", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + hash32 + "$"},
	{"bad base64 salt", "$argon2id$v=19$m=19456,t=2,p=1$!!!not*base64!!!$" + hash32},
	{"bad base64 hash", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + hash32[:10] + "_" + hash32[11:]},
	{"padded base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "==$" + hash32},
	{"newline in base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16[:8] + "\n" + salt16[8:] + "$" + hash32},
	{"non-canonical trailing bits", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16[:21] + "x$" + hash32},
	{"salt below 8 bytes", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + hash32},
	{"hash below 4 bytes", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$aGFz"},
	{"hash above 64 bytes", "$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + strings.Repeat("A", 88)},
	{"m of 4294967295", "$argon2id$v=19$m=4294967295,t=2,p=1$" + salt16 + "$" + hash32},
	{"m above 256 MiB", "$argon2id$v=19$m=262145,t=1,p=1$" + salt16 + "$" + hash32},
	{"m beyond uint32", "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt16 + "$" + hash32},
	{"m below 8 KiB per lane", "$argon2id$v=19$m=15,t=2,p=2$" + salt16 + "$" + hash32},
	{"m negative", "$argon2id$v=19$m=-1,t=2,p=1$" + salt16 + "$" + hash32},
	{"m with sign", "$argon2id$v=19$m=+19456,t=2,p=1$" + salt16 + "$" + hash32},
	{"m in hex", "$argon2id$v=19$m=0x4c00,t=2,p=1$" + salt16 + "$" + hash32},
	{"m empty", "$argon2id$v=19$m=,t=2,p=1$" + salt16 + "$" + hash32},
	{"t of 0", "$argon2id$v=19$m=19456,t=0,p=1$" + salt16 + "$" + hash32},
	{"t above 10", "$argon2id$v=19$m=19456,t=11,p=1$" + salt16 + "$" + hash32},
	{"t of 4294967295", "$argon2id$v=19$m=19456,t=4294967295,p=1$" + salt16 + "$" + hash32},
	{"p of 0", "$argon2id$v=19$m=19456,t=2,p=0$" + salt16 + "$" + hash32},
	{"p above 16", "$argon2id$v=19$m=19456,t=2,p=17$" + salt16 + "$" + hash32},
	{"p beyond uint8", "$argon2id$v=19$m=19456,t=2,p=256$" + salt16 + "$" + hash32},
	{"params out of order", "$argon2id$v=19$t=2,m=19456,p=1$" + salt16 + "$" + hash32},
	{"missing p", "$argon2id$v=19$m=19456,t=2$" + salt16 + "$" + hash32},
	{"extra param", "$argon2id$v=19$m=19456,t=2,p=1,keyid=x$" + salt16 + "$" + hash32},
	{"space in params", "$argon2id$v=19$m=19456, t=2,p=1$" + salt16 + "$" + hash32},
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, tt := range malformedHashes {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(tt.encoded, "password")
			if !errors.Is(err, ErrMalformed) || ok || rehash {
				t.Errorf("Verify = %v, %v, %v; want false, false, ErrMalformed", ok, rehash, err)
			}
			if _, err := ParamsOf(tt.encoded); !errors.Is(err, ErrMalformed) {
				t.Errorf("ParamsOf err = %v, want ErrMalformed", err)
			}
			// The error goes to logs: it must not carry the salt or hash.
			if err != nil && (strings.Contains(err.Error(), salt16) || strings.Contains(err.Error(), hash32)) {
				t.Errorf("error %q quotes the stored hash", err)
			}
		})
	}
}

// A hash that asks for more memory than allowed is refused before argon2
// allocates it: the whole call allocates next to nothing.
func TestVerifyRefusesHugeMemoryBeforeAllocating(t *testing.T) {
	for _, m := range []string{"4294967295", "262145", "1048576"} {
		encoded := "$argon2id$v=19$m=" + m + ",t=1,p=1$" + salt16 + "$" + hash32
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := Verify(encoded, "password")
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("m=%s: Verify accepted it", m)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("m=%s: Verify allocated %d bytes before refusing", m, grew)
		}
	}
}

// The largest accepted parameters do run: the limits are inclusive.
func TestVerifyAcceptsTheLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes with 256 MiB")
	}
	p := Params{MemoryKiB: maxMemoryKiB, Iterations: 1, Parallelism: maxParallelism, SaltBytes: maxSaltBytes, KeyBytes: maxKeyBytes}
	encoded, err := hashWith("pw", p)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := Verify(encoded, "pw"); err != nil || !ok {
		t.Errorf("Verify = %v, %v; want true, nil", ok, err)
	}
}

func TestHashWithRefusesParamsDecodeWouldRefuse(t *testing.T) {
	bad := []Params{
		{MemoryKiB: maxMemoryKiB + 1, Iterations: 1, Parallelism: 1, SaltBytes: 16, KeyBytes: 32},
		{MemoryKiB: 4096, Iterations: 0, Parallelism: 1, SaltBytes: 16, KeyBytes: 32},
		{MemoryKiB: 4096, Iterations: 1, Parallelism: 0, SaltBytes: 16, KeyBytes: 32},
		{MemoryKiB: 4096, Iterations: 1, Parallelism: 1, SaltBytes: 4, KeyBytes: 32},
		{MemoryKiB: 4096, Iterations: 1, Parallelism: 1, SaltBytes: 16, KeyBytes: 0},
		{MemoryKiB: 4096, Iterations: 1, Parallelism: 1, SaltBytes: 16, KeyBytes: 65},
	}
	for _, p := range bad {
		if _, err := hashWith("pw", p); err == nil {
			t.Errorf("hashWith(%+v) succeeded", p)
		}
	}
}

// SpendDummy is only as good as its hash is close to a real one.
func TestDummyHashUsesCurrentParams(t *testing.T) {
	p, err := ParamsOf(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	if p != Current() {
		t.Errorf("ParamsOf(dummyHash) = %+v, want Current() = %+v: make a new dummyHash", p, Current())
	}
	SpendDummy("any password")
}

func FuzzVerify(f *testing.F) {
	good, err := hashWith("pw", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltBytes: 16, KeyBytes: 32})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "pw")
	f.Add(dummyHash, "pw")
	for _, tt := range malformedHashes {
		f.Add(tt.encoded, "password")
	}
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		p, perr := ParamsOf(encoded)
		if perr == nil && p.MemoryKiB*p.Iterations > 64*1024 {
			// Valid but slow: parsing was the part under test, and an
			// expensive hash per input would stall the fuzzer.
			return
		}
		ok, rehash, err := Verify(encoded, pw)
		if (err == nil) != (perr == nil) {
			t.Fatalf("Verify err = %v but ParamsOf err = %v", err, perr)
		}
		if err != nil && (ok || rehash) {
			t.Fatalf("Verify = %v, %v with error %v", ok, rehash, err)
		}
		if rehash && !ok {
			t.Fatal("needsRehash without a match")
		}
	})
}

func BenchmarkHash(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	encoded, err := Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := Verify(encoded, "correct horse battery staple"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
