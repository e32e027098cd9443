// Reference peer for tests/bench/bench_pool.sh: Go's database/sql pool with the pgx v4 driver
// (Debian's golang-github-jackc-pgx-v4-dev), the same workload as `melodee bench pool`: WORKERS
// goroutines share MAX_OPEN connections and each loops acquire -> SELECT 1 -> release for
// SECONDS. pgx's stdlib driver prepares and caches the statement per connection. Prints one JSON
// object: ops, ops_per_sec and the acquire-time percentiles in microseconds.
//   pgxbench DSN WORKERS MAX_OPEN SECONDS
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v4/stdlib"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: pgxbench DSN WORKERS MAX_OPEN SECONDS")
		os.Exit(3)
	}
	workers, _ := strconv.Atoi(os.Args[2])
	maxOpen, _ := strconv.Atoi(os.Args[3])
	seconds, _ := strconv.ParseFloat(os.Args[4], 64)
	db, err := sql.Open("pgx", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	runFor(db, workers, 1.0) // warm-up: connections open, statements prepared
	ops, elapsed, acquire := runFor(db, workers, seconds)
	sort.Slice(acquire, func(i, j int) bool { return acquire[i] < acquire[j] })
	fmt.Printf("{\"system\": \"Go database/sql + pgx v4\", \"ops\": %d, \"ops_per_sec\": %.1f, "+
		"\"acquire_p50_us\": %.1f, \"acquire_p99_us\": %.1f}\n",
		ops, float64(ops)/elapsed, pct(acquire, 0.50)/1e3, pct(acquire, 0.99)/1e3)
}

// Acquire times are sampled (every 16th operation per goroutine) to keep the measurement cheap.
func runFor(db *sql.DB, workers int, seconds float64) (int64, float64, []int64) {
	var stop atomic.Bool
	var total int64
	var mu sync.Mutex
	var samples []int64
	var wg sync.WaitGroup
	ctx := context.Background()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n int64
			var local []int64
			for !stop.Load() {
				t0 := time.Now()
				conn, err := db.Conn(ctx)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				if n&15 == 0 {
					local = append(local, int64(time.Since(t0)))
				}
				var one int
				if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				conn.Close()
				n++
			}
			atomic.AddInt64(&total, n)
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		}()
	}
	time.Sleep(time.Duration(seconds * float64(time.Second)))
	stop.Store(true)
	wg.Wait()
	return total, time.Since(start).Seconds(), samples
}

func pct(sorted []int64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted)-1) + 0.5)
	return float64(sorted[i])
}
