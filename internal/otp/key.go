package otp

import (
	"fmt"
)

// The key of the code hashes is read by package app/otpkey (from Secrets
// Manager in AWS), which only the functions that send codes link.

// CheckKey refuses keys too short to keep the code hashes secret.
func CheckKey(key []byte) error {
	if len(key) < MinKeyBytes {
		return fmt.Errorf("the OTP key must be at least %d bytes, has %d", MinKeyBytes, len(key))
	}
	return nil
}
