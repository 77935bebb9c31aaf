package org.pcn4j.model;

import java.util.Arrays;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Activation;

/**
 * Everything needed to rebuild a layered PC network (saved in model files).
 *
 * @param layerSizes       widths from the input (layer 0) to the output
 * @param activation       hidden activation
 * @param outputActivation activation of the last layer (post convention only; identity for a classifier)
 * @param convention       post: mu_l = f(W x_{l-1} + b); pre: mu_l = W f(x_{l-1}) + b
 * @param outputEnergy     gaussian (squared error) or cross_entropy at the output
 */
public record MlpSpec(int[] layerSizes, Activation activation, Activation outputActivation, Convention convention,
                      Energy outputEnergy) {

    public MlpSpec {
        layerSizes = layerSizes.clone();
        if (layerSizes.length < 2) {
            throw new PcnException("a model needs at least two layer sizes (input and output), got " + Arrays.toString(layerSizes));
        }
        for (int s : layerSizes) {
            if (s <= 0) {
                throw new PcnException("layer sizes must be positive, got " + Arrays.toString(layerSizes));
            }
        }
        if (convention == Convention.PRE && outputActivation != Activation.IDENTITY) {
            throw new PcnException("the pre convention has a linear output (mu_L = W f(x) + b); output activation "
                    + outputActivation + " needs --convention post");
        }
    }

    @Override
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    public int depth() {
        return layerSizes.length - 1;
    }

    public int inputSize() {
        return layerSizes[0];
    }

    public int outputSize() {
        return layerSizes[layerSizes.length - 1];
    }

    /** Parses "784-128-128-10" (also accepts commas or x). */
    public static int[] parseSizes(String s) {
        String[] parts = s.trim().split("[-,x ]+");
        int[] sizes = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                sizes[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw new PcnException("invalid model sizes '" + s + "' (expected e.g. 784-128-128-10)");
        }
        if (sizes.length < 2) {
            throw new PcnException("invalid model sizes '" + s + "': need at least an input and an output size");
        }
        for (int v : sizes) {
            if (v <= 0) {
                throw new PcnException("invalid model sizes '" + s + "': sizes must be positive");
            }
        }
        return sizes;
    }

    public String sizesString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < layerSizes.length; i++) {
            if (i > 0) {
                b.append('-');
            }
            b.append(layerSizes[i]);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MlpSpec)) {
            return false;
        }
        MlpSpec s = (MlpSpec) o;
        return Arrays.equals(layerSizes, s.layerSizes) && activation == s.activation
                && outputActivation == s.outputActivation && convention == s.convention
                && outputEnergy == s.outputEnergy;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layerSizes) * 31 + java.util.Objects.hash(activation, outputActivation, convention,
                outputEnergy);
    }

    @Override
    public String toString() {
        return "MlpSpec[" + sizesString() + ", " + activation + ", out=" + outputActivation + ", " + convention + ", "
                + outputEnergy + "]";
    }
}
