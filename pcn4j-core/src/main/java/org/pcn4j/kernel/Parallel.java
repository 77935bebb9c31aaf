package org.pcn4j.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The shared pool of daemon threads that kernels split large work over. The caller runs the first
 * task itself; a kernel called from a pool thread runs all its tasks inline (no nested waits).
 */
final class Parallel {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static ThreadPoolExecutor pool;

    private Parallel() {}

    private static final class Worker extends Thread {
        Worker(Runnable r) {
            super(r, "pcn4j-kernel-" + COUNTER.incrementAndGet());
            setDaemon(true);
        }
    }

    private static synchronized ThreadPoolExecutor pool(int workers) {
        if (pool == null) {
            pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Worker::new);
        } else if (pool.getMaximumPoolSize() < workers) {
            pool.setMaximumPoolSize(workers);
            pool.setCorePoolSize(workers);
        }
        return pool;
    }

    /** Runs body(0) .. body(tasks-1), concurrently when tasks > 1, and returns when all are done. */
    static void run(int tasks, IntConsumer body) {
        if (tasks <= 1 || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        ThreadPoolExecutor p = pool(tasks - 1);
        Future<?>[] futures = new Future<?>[tasks - 1];
        for (int i = 1; i < tasks; i++) {
            int t = i;
            futures[i - 1] = p.submit(() -> body.accept(t));
        }
        Throwable error = null;
        try {
            body.accept(0);
        } catch (Throwable t) {
            error = t;
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the other tasks still write into the caller's arrays: wait for them
                } catch (ExecutionException e) {
                    if (error == null) {
                        error = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (error instanceof RuntimeException) {
            throw (RuntimeException) error;
        }
        if (error instanceof Error) {
            throw (Error) error;
        }
        if (error != null) {
            throw new RuntimeException(error);
        }
    }
}
