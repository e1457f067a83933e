package apptest

import "sync"

// Concurrently runs fn(0) … fn(n-1) in n goroutines released together (so
// they really overlap, which is what a race test needs) and returns their
// results in order.
func Concurrently[T any](n int, fn func(i int) T) []T {
	out := make([]T, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}
