package dev.salvo.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The reference point for the drain: db-scheduler (lock-and-fetch polling, its fastest mode) executing
 * no-op one-time tasks on the same PostgreSQL server, so the ratio compares two job engines doing their
 * own bookkeeping on one database.
 */
final class DbSchedulerBench {

    static DrainBench.Result run(DataSource dataSource, int tasks, int threads) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    create table if not exists scheduled_tasks (
                        task_name text not null, task_instance text not null, task_data bytea,
                        execution_time timestamptz not null, picked boolean not null, picked_by text,
                        last_success timestamptz, last_failure timestamptz, consecutive_failures int,
                        last_heartbeat timestamptz, version bigint not null, priority smallint,
                        primary key (task_name, task_instance))""");
            s.execute("create index if not exists scheduled_tasks_execution_time_idx on scheduled_tasks (execution_time)");
            s.execute("create index if not exists scheduled_tasks_priority_idx on scheduled_tasks (priority desc, execution_time asc)");
            s.execute("truncate scheduled_tasks");
            // Bulk-inserted as db-scheduler itself stores a due one-time task: set up outside the measurement.
            s.execute("insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version, priority) "
                    + "select 'noop', 'i-' || g, now(), false, 1, 0 from generate_series(1, " + tasks + ") g");
        }
        AtomicLong executed = new AtomicLong();
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, context) -> executed.incrementAndGet());
        Scheduler scheduler = Scheduler.create(dataSource, noop)
                .threads(threads)
                .pollingInterval(Duration.ofMillis(100))
                .pollUsingLockAndFetch(0.5, 1.0)
                .build();
        HeapWatch.reset();
        long start = System.nanoTime();
        scheduler.start();
        while (executed.get() < tasks) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        scheduler.stop();
        return new DrainBench.Result(tasks, seconds, tasks / seconds, HeapWatch.peakBytes());
    }
}
