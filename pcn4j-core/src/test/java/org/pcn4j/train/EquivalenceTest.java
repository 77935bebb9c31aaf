package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * The exact results: one step of bp, zil or fpa with plain SGD moves every weight exactly as one
 * step of (independently computed, double precision) backpropagation does.
 */
class EquivalenceTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("12-16-16-5", Activation.TANH, Convention.POST, Energy.GAUSSIAN, 64),
                Arguments.of("12-16-16-5", Activation.TANH, Convention.PRE, Energy.GAUSSIAN, 64),
                Arguments.of("7-33-9-4-3", Activation.GELU, Convention.POST, Energy.GAUSSIAN, 5),
                Arguments.of("7-33-9-4-3", Activation.SIGMOID, Convention.PRE, Energy.GAUSSIAN, 1),
                Arguments.of("20-8-6", Activation.RELU, Convention.POST, Energy.CROSS_ENTROPY, 17),
                Arguments.of("20-30-30-30-30-10", Activation.LEAKY_RELU, Convention.POST, Energy.GAUSSIAN, 33),
                Arguments.of("6-5", Activation.TANH, Convention.POST, Energy.GAUSSIAN, 3),
                Arguments.of("10-24-12-6", Activation.GELU_TANH, Convention.PRE, Energy.CROSS_ENTROPY, 8));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} batch {4}")
    @MethodSource("cases")
    void oneStepEqualsBackprop(String sizes, Activation f, Convention conv, Energy energy, int batch) {
        for (Algorithm alg : new Algorithm[] {Algorithm.BP, Algorithm.ZIL, Algorithm.FPA}) {
            MlpSpec spec = new MlpSpec(MlpSpec.parseSizes(sizes), f, Activation.IDENTITY, conv, energy);
            Mlp mlp = new Mlp(spec);
            mlp.initialize("default", 42);
            SplittableRandom rng = new SplittableRandom(7);
            int in = spec.inputSize();
            int out = spec.outputSize();
            float[] x = new float[batch * in];
            float[] y = new float[batch * out];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            for (int s = 0; s < batch; s++) {
                y[s * out + rng.nextInt(out)] = 1f;
            }
            ReferenceMlp ref = new ReferenceMlp(mlp);
            double[][] g = ref.gradients(x, y, batch);
            double lr = 0.1;
            TrainConfig cfg = TrainConfig.builder().algorithm(alg)
                    .inference(InferenceConfig.builder().steps(3).lr(0.1).momentum(0).build())
                    .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(lr)).build();
            Trainer t = new Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);
            t.step(x, y, batch);
            for (int l = 0; l < mlp.depth(); l++) {
                DenseEdge e = mlp.layers().get(l);
                int nW = e.weight().size();
                double num = 0;
                double den = 0;
                double gnum = 0;
                double rounding = 0;
                for (int i = 0; i < nW + e.bias().length; i++) {
                    double before = i < nW ? ref.w[l][i / e.from().size()][i % e.from().size()] : ref.b[l][i - nW];
                    double after = i < nW ? e.weight().data()[i] : e.bias()[i - nW];
                    double expected = -lr * g[l][i];
                    double actual = after - before;
                    num += (actual - expected) * (actual - expected);
                    den += expected * expected;
                    double ulp = Math.ulp((float) after);
                    rounding += ulp * ulp;
                    double engineGrad = i < nW ? e.weightGrad().data()[i] : e.biasGrad()[i - nW];
                    gnum += (engineGrad - g[l][i]) * (engineGrad - g[l][i]);
                }
                double rel = Math.sqrt(num / Math.max(den, 1e-30));
                double relGrad = Math.sqrt(gnum / Math.max(den / (lr * lr), 1e-30));
                // The gradient itself is exact to float32 rounding.
                assertTrue(relGrad < 1e-4, alg + " layer " + l + ": relative error of the gradient " + relGrad);
                // The applied update also carries the rounding of the stored weights (one ulp of w
                // against an update of lr * g), which dominates only for vanishing gradients.
                assertTrue(num <= 1e-8 * den + rounding,
                        alg + " layer " + l + ": relative error of the update " + rel);
                assertTrue(den > 0, alg + " layer " + l + ": the update is not zero");
            }
        }
    }
}
