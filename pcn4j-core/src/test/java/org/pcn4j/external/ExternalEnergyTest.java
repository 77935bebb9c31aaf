package org.pcn4j.external;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/** A node energy defined outside the engine is one class: the network uses it without knowing it. */
class ExternalEnergyTest {
    /** F = sum log cosh(x - mu): Gaussian near the prediction, linear (robust) far from it. */
    static final class LogCoshEnergy implements Energy {
        @Override
        public String id() {
            return "log_cosh";
        }

        @Override
        public void initialState(float[] mu, float[] x, int batch, int size) {
            System.arraycopy(mu, 0, x, 0, batch * size);
        }

        @Override
        public void errors(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int batch,
                           int size, float precision) {
            for (int r = 0; r < batch; r++) {
                double s = 0;
                for (int j = r * size; j < (r + 1) * size; j++) {
                    double d = x[j] - mu[j];
                    eps[j] = (float) Math.tanh(d);
                    s += Math.log(Math.cosh(d));
                }
                sampleEnergy[r] = (float) s;
            }
        }

        @Override
        public boolean stateGradient(float[] eps, boolean epsNonZero, float[] grad, int len) {
            System.arraycopy(eps, 0, grad, 0, len);
            return epsNonZero;
        }

        @Override
        public float[] answer(float[] state, float[] prediction) {
            return prediction;
        }

        @Override
        public double loss(float[] answer, float[] target, int batch, int size) {
            double s = 0;
            for (int i = 0; i < batch * size; i++) {
                s += Math.log(Math.cosh(target[i] - answer[i]));
            }
            return s / batch;
        }
    }

    private static PcNetwork network(Node[] ends) {
        Energy e = new LogCoshEnergy();
        PcNetwork net = new PcNetwork();
        Node in = net.addNode("in", 4, Energy.GAUSSIAN, 1f);
        Node h = net.addNode("h", 7, e, 1f);
        Node out = net.addNode("out", 3, e, 1f);
        net.connect(in, h, Activation.TANH, Convention.POST, true);
        net.connect(h, out, Activation.TANH, Convention.PRE, true);
        net.connect(in, out, Activation.IDENTITY, Convention.POST, false);
        net.initialize("default", 9);
        ends[0] = in;
        ends[1] = out;
        return net;
    }

    @Test
    void passesTheSharedDerivativeChecksAndTrains() {
        Node[] ends = new Node[2];
        PcNetwork net = network(ends);
        EnergyChecks.randomState(net, ends[0], ends[1], 3, new SplittableRandom(1));
        EnergyChecks.stateGradientsMatchFiniteDifferences(net);
        EnergyChecks.weightGradientsMatchFiniteDifferences(net);
        EnergyChecks.randomState(net, ends[0], ends[1], 3, new SplittableRandom(2));
        EnergyChecks.energyNeverRisesDuringInference(net, ends[0], ends[1]);

        net = network(ends);
        SplittableRandom rng = new SplittableRandom(3);
        int batch = 16;
        float[] x = new float[batch * 4];
        float[] y = new float[batch * 3];
        for (int i = 0; i < batch; i++) {
            int c = rng.nextInt(3);
            y[i * 3 + c] = 1f;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) ((j == c ? 1 : 0) + 0.1 * rng.nextDouble());
            }
        }
        Trainer t = new Trainer(net, ends[0], ends[1], TrainConfig.builder()
                .inference(InferenceConfig.builder().steps(8).lr(0.1).build())
                .schedule(org.pcn4j.optim.Schedule.constant(0.02)).build());
        double first = t.step(x, y, batch).loss();
        double last = first;
        for (int s = 0; s < 60; s++) {
            last = t.step(x, y, batch).loss();
        }
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }
}
