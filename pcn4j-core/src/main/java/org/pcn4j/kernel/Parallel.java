package org.pcn4j.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The shared daemon threads that kernels split large work over.
 *
 * <p>Tasks are claimed from a counter by the caller and the workers alike, so a worker that is
 * slow to wake (a busy or shared machine) costs nothing: the caller runs its task too. Hand-off
 * is a slot per worker; an idle worker spins briefly, then yields, then parks, so back-to-back
 * kernel calls (the engine's normal pattern) reach it quickly without burning a core when idle.
 *
 * <p>One caller uses the workers at a time; a concurrent caller, or a kernel called from a worker,
 * runs its tasks inline. Results never depend on which thread ran a task.
 */
final class Parallel {
    /** An idle worker or a waiting caller busy-spins this long ... */
    private static final long SPIN_NS = 20_000;
    /** ... then yields the core (to whatever else is runnable) until this long, then parks. */
    private static final long YIELD_NS = 200_000;

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Worker[] workers = new Worker[0]; // guarded by BUSY

    private Parallel() {}

    private static final class Job {
        final IntConsumer body;
        final int count;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final Thread caller = Thread.currentThread();
        volatile boolean callerParked;
        volatile Throwable error;

        Job(IntConsumer body, int count) {
            this.body = body;
            this.count = count;
        }

        /** Claims and runs tasks until none is left. */
        void work() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (error == null) {
                        error = t;
                    }
                }
                if (done.incrementAndGet() == count && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private final AtomicReference<Job> slot = new AtomicReference<>();
        private volatile boolean parked;

        Worker() {
            super("pcn4j-kernel-" + COUNTER.incrementAndGet());
            setDaemon(true);
        }

        void submit(Job j) {
            slot.set(j);
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                Job j = slot.get();
                if (j == null) {
                    long start = System.nanoTime();
                    while ((j = slot.get()) == null) {
                        long t = System.nanoTime() - start;
                        if (t < SPIN_NS) {
                            Thread.onSpinWait();
                        } else if (t < YIELD_NS) {
                            Thread.yield();
                        } else {
                            break;
                        }
                    }
                    if (j == null) {
                        parked = true;
                        if (slot.get() == null) {
                            LockSupport.park(this);
                        }
                        parked = false;
                        continue;
                    }
                }
                j.work();
                slot.compareAndSet(j, null); // a newer job may already sit in the slot: keep it
            }
        }
    }

    /**
     * Runs body(0) .. body(tasks-1), each exactly once, on the caller and up to threads-1 workers,
     * and returns when all are done.
     */
    static void run(int tasks, int threads, IntConsumer body) {
        int helpers = Math.min(tasks, threads) - 1;
        if (helpers <= 0 || Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            Worker[] ws = workers(helpers);
            Job job = new Job(body, tasks);
            for (int i = 0; i < helpers; i++) {
                ws[i].submit(job);
            }
            job.work();
            // Tasks still running on workers write into the caller's arrays: always wait for them.
            long start = System.nanoTime();
            while (job.done.get() < tasks) {
                long t = System.nanoTime() - start;
                if (t < SPIN_NS) {
                    Thread.onSpinWait();
                } else if (t < YIELD_NS) {
                    Thread.yield();
                } else {
                    job.callerParked = true;
                    if (job.done.get() < tasks) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            }
            Throwable error = job.error;
            if (error instanceof RuntimeException) {
                throw (RuntimeException) error;
            }
            if (error instanceof Error) {
                throw (Error) error;
            }
            if (error != null) {
                throw new RuntimeException(error);
            }
        } finally {
            BUSY.set(false);
        }
    }

    private static Worker[] workers(int n) {
        if (workers.length < n) {
            Worker[] grown = java.util.Arrays.copyOf(workers, n);
            for (int i = workers.length; i < n; i++) {
                grown[i] = new Worker();
                grown[i].start();
            }
            workers = grown;
        }
        return workers;
    }
}
