package org.pcn4j.conv;

import java.util.Arrays;
import org.pcn4j.PcnException;

/**
 * The shape of one 2-D convolution over a [inChannels, inH, inW] sample: kernel, stride, zero
 * padding and groups, and the output size it implies, out = floor((in + 2 pad - kernel) / stride) + 1
 * (PyTorch's nn.Conv2d, no dilation). Built with {@link #builder()}; the build checks every
 * field and throws a one-line {@link PcnException} naming the shapes when they do not fit.
 * Immutable.
 */
public final class ConvGeometry {
    private final int inChannels;
    private final int inH;
    private final int inW;
    private final int outChannels;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int ph;
    private final int pw;
    private final int groups;
    private final int outH;
    private final int outW;

    private ConvGeometry(Builder b) {
        String where = b.name == null ? "conv2d" : b.name;
        if (b.inChannels < 1 || b.inH < 1 || b.inW < 1) {
            throw new PcnException(where + ": input shape " + dims(b.inChannels, b.inH, b.inW) + " must be positive");
        }
        if (b.outChannels < 1) {
            throw new PcnException(where + ": out_channels " + b.outChannels + " must be positive");
        }
        if (b.kh < 1 || b.kw < 1 || b.sh < 1 || b.sw < 1 || b.ph < 0 || b.pw < 0) {
            throw new PcnException(where + ": kernel " + b.kh + "x" + b.kw + ", stride " + b.sh + "x" + b.sw
                    + ", padding " + b.ph + "x" + b.pw + ": kernel and stride must be >= 1, padding >= 0");
        }
        if (b.groups < 1 || b.inChannels % b.groups != 0 || b.outChannels % b.groups != 0) {
            throw new PcnException(where + ": groups " + b.groups + " must divide in_channels " + b.inChannels
                    + " and out_channels " + b.outChannels);
        }
        if (b.ph >= b.kh || b.pw >= b.kw) {
            // PyTorch allows it, but then whole output rows see only padding: almost surely a mistake.
            throw new PcnException(where + ": padding " + b.ph + "x" + b.pw + " must be smaller than the kernel "
                    + b.kh + "x" + b.kw);
        }
        if (b.kh > b.inH + 2 * b.ph || b.kw > b.inW + 2 * b.pw) {
            throw new PcnException(where + ": kernel " + b.kh + "x" + b.kw + " is larger than the input "
                    + dims(b.inChannels, b.inH, b.inW) + " with padding " + b.ph + "x" + b.pw);
        }
        this.inChannels = b.inChannels;
        this.inH = b.inH;
        this.inW = b.inW;
        this.outChannels = b.outChannels;
        this.kh = b.kh;
        this.kw = b.kw;
        this.sh = b.sh;
        this.sw = b.sw;
        this.ph = b.ph;
        this.pw = b.pw;
        this.groups = b.groups;
        this.outH = (inH + 2 * ph - kh) / sh + 1;
        this.outW = (inW + 2 * pw - kw) / sw + 1;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset to this geometry. */
    public Builder toBuilder() {
        return new Builder().input(inChannels, inH, inW).outChannels(outChannels).kernel(kh, kw).stride(sh, sw)
                .padding(ph, pw).groups(groups);
    }

    /** Builder; defaults: stride 1, padding 0, groups 1. Input, out_channels and kernel are required. */
    public static final class Builder {
        private String name;
        private int inChannels;
        private int inH;
        private int inW;
        private int outChannels;
        private int kh;
        private int kw;
        private int sh = 1;
        private int sw = 1;
        private int ph;
        private int pw;
        private int groups = 1;

        private Builder() {}

        /** What to call the convolution in error messages (an edge name); default "conv2d". */
        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public Builder input(int channels, int h, int w) {
            this.inChannels = channels;
            this.inH = h;
            this.inW = w;
            return this;
        }

        public Builder outChannels(int c) {
            this.outChannels = c;
            return this;
        }

        public Builder kernel(int k) {
            return kernel(k, k);
        }

        public Builder kernel(int h, int w) {
            this.kh = h;
            this.kw = w;
            return this;
        }

        public Builder stride(int s) {
            return stride(s, s);
        }

        public Builder stride(int h, int w) {
            this.sh = h;
            this.sw = w;
            return this;
        }

        public Builder padding(int p) {
            return padding(p, p);
        }

        public Builder padding(int h, int w) {
            this.ph = h;
            this.pw = w;
            return this;
        }

        public Builder groups(int g) {
            this.groups = g;
            return this;
        }

        public ConvGeometry build() {
            return new ConvGeometry(this);
        }
    }

    public int inChannels() { return inChannels; }
    public int inH() { return inH; }
    public int inW() { return inW; }
    public int outChannels() { return outChannels; }
    public int kernelH() { return kh; }
    public int kernelW() { return kw; }
    public int strideH() { return sh; }
    public int strideW() { return sw; }
    public int padH() { return ph; }
    public int padW() { return pw; }
    public int groups() { return groups; }
    public int outH() { return outH; }
    public int outW() { return outW; }

    /** Values per input sample: inChannels * inH * inW. */
    public int inSize() {
        return inChannels * inH * inW;
    }

    /** Values per output sample: outChannels * outH * outW. */
    public int outSize() {
        return outChannels * outH * outW;
    }

    /** Output positions per channel: outH * outW. */
    public int outPlane() {
        return outH * outW;
    }

    /** Rows of one group's im2col matrix: (inChannels / groups) * kh * kw. */
    public int patch() {
        return inChannels / groups * kh * kw;
    }

    /** Weight count: outChannels * (inChannels / groups) * kh * kw. */
    public int weightSize() {
        return outChannels * patch();
    }

    /** The conv2d weight shape [out_channels, in_channels / groups, kh, kw]. */
    public int[] weightShape() {
        return new int[] {outChannels, inChannels / groups, kh, kw};
    }

    public int[] inShape() {
        return new int[] {inChannels, inH, inW};
    }

    public int[] outShape() {
        return new int[] {outChannels, outH, outW};
    }

    /** Multiply-adds of one sample's forward pass (the adjoint and the weight gradient cost the same). */
    public long macsPerSample() {
        return (long) outSize() * patch();
    }

    /**
     * Throws a one-line PcnException unless {@code shape} ([C, H, W]) is this convolution's output
     * shape; {@code where} names the edge.
     */
    public void checkOutput(String where, int[] shape) {
        if (!Arrays.equals(shape, outShape())) {
            throw new PcnException(where + ": " + describe() + " gives " + dims(outShape()) + ", not "
                    + dims(shape));
        }
    }

    /** Throws a one-line PcnException unless {@code shape} is this convolution's input shape. */
    public void checkInput(String where, int[] shape) {
        if (!Arrays.equals(shape, inShape())) {
            throw new PcnException(where + ": " + describe() + " needs an input of " + dims(inShape()) + ", not "
                    + dims(shape));
        }
    }

    /** E.g. "conv2d 3x32x32 -> 32x32x32 (kernel 3x3, stride 1x1, padding 1x1)". */
    public String describe() {
        return "conv2d " + dims(inShape()) + " -> " + dims(outShape()) + " (kernel " + kh + "x" + kw + ", stride "
                + sh + "x" + sw + ", padding " + ph + "x" + pw + (groups > 1 ? ", groups " + groups : "") + ")";
    }

    static String dims(int... s) {
        StringBuilder sb = new StringBuilder();
        for (int v : s) {
            sb.append(sb.length() == 0 ? "" : "x").append(v);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConvGeometry)) {
            return false;
        }
        ConvGeometry g = (ConvGeometry) o;
        return inChannels == g.inChannels && inH == g.inH && inW == g.inW && outChannels == g.outChannels
                && kh == g.kh && kw == g.kw && sh == g.sh && sw == g.sw && ph == g.ph && pw == g.pw
                && groups == g.groups;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {inChannels, inH, inW, outChannels, kh, kw, sh, sw, ph, pw, groups});
    }

    @Override
    public String toString() {
        return describe();
    }
}
