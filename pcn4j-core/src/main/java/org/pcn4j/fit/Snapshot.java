package org.pcn4j.fit;

import java.util.ArrayList;
import java.util.List;
import org.pcn4j.model.Edge;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.OptimizerState;
import org.pcn4j.optim.Param;
import org.pcn4j.train.Trainer;

/**
 * A copy of the weights, the weight optimizer's state and the update count: the point a rollback
 * returns to, and the kept model. Restoring puts the values back into the trainer's own arrays.
 */
final class Snapshot {
    final List<float[]> weights;
    final OptimizerState optimizer;
    final long updates;

    Snapshot(List<float[]> weights, OptimizerState optimizer, long updates) {
        this.weights = weights;
        this.optimizer = optimizer;
        this.updates = updates;
    }

    /** {@code updates}: the run's total weight updates at this point. */
    static Snapshot take(Trainer trainer, long updates, boolean withOptimizer) {
        List<float[]> w = new ArrayList<>();
        for (Param p : trainer.weightParams()) {
            w.add(java.util.Arrays.copyOf(p.value(), p.length()));
        }
        return new Snapshot(w, withOptimizer ? trainer.weightOptimizer().saveState() : null, updates);
    }

    /** Puts the weights (and, when saved, the optimizer state) back into {@code trainer}. */
    void restore(Trainer trainer) {
        List<Param> ps = trainer.weightParams();
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(weights.get(i), 0, ps.get(i).value(), 0, ps.get(i).length());
        }
        if (optimizer != null) {
            trainer.weightOptimizer().restoreState(optimizer);
        }
        invalidate(trainer.network());
    }

    /** Edges cache products per weight version: weights written from outside must bump it. */
    static void invalidate(PcNetwork net) {
        for (Edge e : net.edges()) {
            e.weightsChanged();
        }
    }
}
