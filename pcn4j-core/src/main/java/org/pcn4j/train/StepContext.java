package org.pcn4j.train;

import java.util.Arrays;
import java.util.List;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.tensor.Ops;

/**
 * What an {@link UpdateRule} works with during one {@link Trainer#step}: the network with its input
 * clamped, the target node, the trainer's {@link Inference}, and the weight update. Every
 * operation reads only local quantities of nodes and edges.
 */
public final class StepContext {
    private final Trainer trainer;
    private int correct;
    private float[][] snapshot;

    StepContext(Trainer trainer) {
        this.trainer = trainer;
    }

    public PcNetwork network() {
        return trainer.network();
    }

    public Node input() {
        return trainer.input();
    }

    public Node target() {
        return trainer.target();
    }

    public Inference inference() {
        return trainer.inference();
    }

    /**
     * The common initialization: clamps the target to {@code y}, initializes the free nodes
     * feedforward, computes the errors and traces them, and counts the samples whose feedforward
     * output picks the target's class. Returns the energy there (the output loss for an acyclic
     * network, what backprop minimizes).
     */
    public double clampTargetAndInitialize(float[] y) {
        PcNetwork net = network();
        net.clamp(target(), y);
        net.initFeedforward();
        double e = net.computePredictionsAndErrors();
        inference().trace();
        countCorrect(target().prediction(), y);
        return e;
    }

    /** Records how many samples' {@code out} (batch x target size) picks the class of {@code y}. */
    public void countCorrect(float[] out, float[] y) {
        int b = network().batch();
        int n = target().size();
        int[] p = Ops.argmaxRows(out, b, n);
        int[] t = Ops.argmaxRows(y, b, n);
        int c = 0;
        for (int i = 0; i < b; i++) {
            if (p[i] == t[i]) {
                c++;
            }
        }
        correct = c;
    }

    /** The count {@link #countCorrect} recorded last. */
    public int correct() {
        return correct;
    }

    /** One weight-optimizer step from the parameters' gradients (clipped if configured); counts an update. */
    public void applyWeights() {
        trainer.applyWeights();
    }

    /**
     * The weight update from the states and errors the network holds now:
     * {@code network().computeWeightGradients(1f, false)} then {@link #applyWeights()}, with the
     * same bits, but under the layers and auto schedules each edge's optimizer step runs in the
     * same task as its gradient (see {@link PcNetwork#updateWeights}).
     */
    public void updateWeights() {
        trainer.updateWeights();
    }

    /** The result of a step: loss and initial energy, the traced final energy, the inference steps traced. */
    public Trainer.StepResult result(double loss, double initialEnergy) {
        List<double[]> trace = inference().energyTrace();
        return new Trainer.StepResult(loss, initialEnergy, inference().lastEnergy(), trace.size() - 1, correct);
    }

    /** Remembers the states of the free nodes (and the target's), for {@link #restoreStates()}. */
    public void snapshotStates() {
        PcNetwork net = network();
        List<Node> nodes = net.nodes();
        snapshot = new float[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!n.isClamped() || n == target()) {
                snapshot[i] = Arrays.copyOf(n.state(), net.batch() * n.size());
            }
        }
    }

    /** Puts the free nodes back at the states {@link #snapshotStates()} remembered. */
    public void restoreStates() {
        PcNetwork net = network();
        List<Node> nodes = net.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (snapshot[i] != null && !nodes.get(i).isClamped()) {
                System.arraycopy(snapshot[i], 0, nodes.get(i).state(), 0, snapshot[i].length);
                if (!net.isFrozen()) {
                    nodes.get(i).touch();
                }
            }
        }
    }
}
