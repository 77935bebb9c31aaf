package org.pcn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The task runner of the layers schedule: every task exactly once, the split ones on the caller in the stated order. */
class LayerScheduleTest {
    private static final long BIG = LayerSchedule.SPLIT_MIN * 2;

    private static List<Integer> callerOrder(long[] costs, int threads, AtomicIntegerArray runs) {
        Thread caller = Thread.currentThread();
        List<Integer> onCaller = Collections.synchronizedList(new ArrayList<>());
        LayerSchedule.tasks(costs.length, threads, i -> costs[i], i -> {
            runs.incrementAndGet(i);
            if (Thread.currentThread() == caller) {
                onCaller.add(i);
            }
        });
        return onCaller;
    }

    @Test
    void everyTaskRunsOnceWhateverTheCostsAndThreads() {
        long[][] cases = {{}, {5}, {BIG}, {BIG, 3}, {BIG, BIG, BIG, 7, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9},
                {BIG * 10, BIG, BIG, BIG, 0, 0}};
        for (long[] costs : cases) {
            for (int threads = 1; threads <= 4; threads++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(costs.length);
                callerOrder(costs, threads, runs);
                for (int i = 0; i < costs.length; i++) {
                    assertEquals(1, runs.get(i), "task " + i + " of " + java.util.Arrays.toString(costs) + " x" + threads);
                }
            }
        }
    }

    @Test
    void largeTasksThatCannotBeBalancedRunOnTheCaller() {
        // One product above a fair share: alone first, on the caller (where the kernels split it).
        List<Integer> on = callerOrder(new long[] {1000, BIG * 4, 2000}, 2, new AtomicIntegerArray(3));
        assertEquals(Integer.valueOf(1), on.get(0));
        // Three equal products on two threads: two in parallel, the third split afterwards, last on the caller.
        on = callerOrder(new long[] {BIG, BIG + 1, BIG + 2, 10}, 2, new AtomicIntegerArray(4));
        assertEquals(Integer.valueOf(0), on.get(on.size() - 1));
    }
}
