// Reference peer for tests/bench/bench_pool.sh: HikariCP (Debian's libhikaricp-java) with the
// PostgreSQL JDBC driver, the same workload as `melodee bench pool`: WORKERS threads share a pool
// of MAX_OPEN connections and each loops acquire -> SELECT 1 (prepared) -> release for SECONDS.
// Prints one JSON object: ops, ops_per_sec and the acquire-time percentiles in microseconds.
//   java -cp HikariCP.jar:postgresql.jar:slf4j-api.jar:slf4j-nop.jar:. HikariBench \
//        JDBC_URL USER WORKERS MAX_OPEN SECONDS
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

public final class HikariBench {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: HikariBench JDBC_URL USER WORKERS MAX_OPEN SECONDS");
            System.exit(3);
        }
        final int workers = Integer.parseInt(args[2]);
        final int maxOpen = Integer.parseInt(args[3]);
        final double seconds = Double.parseDouble(args[4]);

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setMaximumPoolSize(maxOpen);
        config.setMinimumIdle(maxOpen);
        config.setConnectionTimeout(30_000);
        config.setAutoCommit(true);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            // Warm up: every connection open and its statement prepared, as ours does.
            runFor(pool, workers, 1.0);
            Result r = runFor(pool, workers, seconds);
            long[] all = r.acquireNanos;
            Arrays.sort(all);
            System.out.printf("{\"system\": \"HikariCP 2.7.9 + pgjdbc\", \"ops\": %d, "
                                  + "\"ops_per_sec\": %.1f, \"acquire_p50_us\": %.1f, "
                                  + "\"acquire_p99_us\": %.1f}%n",
                              r.ops, r.ops / r.elapsedSeconds, pct(all, 0.50) / 1e3,
                              pct(all, 0.99) / 1e3);
        }
    }

    private static final class Result {
        long ops;
        double elapsedSeconds;
        long[] acquireNanos;
    }

    // Acquire times are sampled (every 16th operation per thread) to keep the measurement cheap.
    private static Result runFor(HikariDataSource pool, int workers, double seconds)
        throws Exception {
        final AtomicBoolean stop = new AtomicBoolean(false);
        final long[] ops = new long[workers];
        final long[][] samples = new long[workers][];
        final int[] sampleCount = new int[workers];
        final Throwable[] failure = new Throwable[1];
        final CountDownLatch done = new CountDownLatch(workers);
        final long start = System.nanoTime();
        for (int w = 0; w < workers; ++w) {
            final int id = w;
            samples[id] = new long[1 << 16];
            Thread t = new Thread(() -> {
                try {
                    long n = 0;
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        try (Connection c = pool.getConnection()) {
                            long t1 = System.nanoTime();
                            if ((n & 15) == 0 && sampleCount[id] < samples[id].length)
                                samples[id][sampleCount[id]++] = t1 - t0;
                            try (PreparedStatement ps = c.prepareStatement("SELECT 1");
                                 ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        }
                        ++n;
                    }
                    ops[id] = n;
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                    stop.set(true);
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        done.await();
        if (failure[0] != null)
            throw new RuntimeException("a worker failed", failure[0]);
        Result r = new Result();
        r.elapsedSeconds = (System.nanoTime() - start) / 1e9;
        int total = 0;
        for (int w = 0; w < workers; ++w) {
            r.ops += ops[w];
            total += sampleCount[w];
        }
        r.acquireNanos = new long[total];
        int at = 0;
        for (int w = 0; w < workers; ++w) {
            System.arraycopy(samples[w], 0, r.acquireNanos, at, sampleCount[w]);
            at += sampleCount[w];
        }
        return r;
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0)
            return 0;
        int i = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
        return sorted[i];
    }
}
