package org.pcn4j.conv;

import java.util.Objects;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Kernels;

/**
 * Batched transposed 2-D convolution (nn.ConvTranspose2d semantics) over NCHW float32 arrays:
 * the adjoint of a {@link Conv2d}, so every product is one of that conv's with the roles swapped.
 * A ConvTranspose2d from C_in to C_out channels with weights [C_in, C_out / groups, kh, kw] is the
 * transpose of the Conv2d from C_out to C_in channels on the (larger) output image with the same
 * weight array ({@link #inner()}): forward is that conv's adjoint, the adjoint (the error reaching
 * the source) is that conv's forward, and the weight gradient is that conv's weight gradient with
 * the error in the role of the input.
 *
 * <p>Output size: out = (in - 1) * stride - 2 * padding + kernel + output_padding, with
 * output_padding < stride (it picks among the input sizes a strided conv maps onto the same size).
 * Holds scratch buffers: not thread-safe.
 */
public final class ConvTranspose2d {
    private final ConvGeometry inner;
    private final Conv2d conv;

    /** The transposed conv of {@code inner}: input inner.outShape(), output inner.inShape(). */
    public ConvTranspose2d(ConvGeometry inner, Kernels kernels, int threads) {
        this.inner = Objects.requireNonNull(inner);
        this.conv = new Conv2d(inner, kernels, threads);
    }

    public ConvTranspose2d(ConvGeometry inner) {
        this(inner, null, 0);
    }

    /**
     * The conv whose transpose maps [inChannels, inH, inW] to [outChannels, ...] with these
     * settings; throws a one-line PcnException naming the shapes when they do not fit.
     */
    public static ConvGeometry geometry(String name, int inChannels, int inH, int inW, int outChannels, int kh,
            int kw, int sh, int sw, int ph, int pw, int outPadH, int outPadW, int groups) {
        String where = name == null ? "conv_transpose2d" : name;
        if (sh < 1 || sw < 1 || kh < 1 || kw < 1) {
            throw new PcnException(where + ": kernel " + kh + "x" + kw + " and stride " + sh + "x" + sw
                    + " must be >= 1");
        }
        if (outPadH < 0 || outPadW < 0 || outPadH >= sh || outPadW >= sw) {
            throw new PcnException(where + ": output_padding " + outPadH + "x" + outPadW
                    + " must be >= 0 and smaller than the stride " + sh + "x" + sw);
        }
        int oh = (inH - 1) * sh - 2 * ph + kh + outPadH;
        int ow = (inW - 1) * sw - 2 * pw + kw + outPadW;
        if (inH < 1 || inW < 1 || oh < 1 || ow < 1) {
            throw new PcnException(where + ": input " + ConvGeometry.dims(inChannels, inH, inW) + " with kernel "
                    + kh + "x" + kw + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw
                    + " gives no output");
        }
        ConvGeometry g = ConvGeometry.builder().name(where).input(outChannels, oh, ow).outChannels(inChannels)
                .kernel(kh, kw).stride(sh, sw).padding(ph, pw).groups(groups).build();
        if (g.outH() != inH || g.outW() != inW) {
            throw new AssertionError(g + " for input " + inH + "x" + inW);
        }
        return g;
    }

    /** The conv this is the transpose of. */
    public ConvGeometry inner() {
        return inner;
    }

    public int[] inShape() {
        return inner.outShape();
    }

    public int[] outShape() {
        return inner.inShape();
    }

    public int inSize() {
        return inner.outSize();
    }

    public int outSize() {
        return inner.inSize();
    }

    /** Weight shape [in_channels, out_channels / groups, kh, kw] (nn.ConvTranspose2d). */
    public int[] weightShape() {
        return inner.weightShape();
    }

    public int weightSize() {
        return inner.weightSize();
    }

    /** y = convT(x; W) + b (bias: out_channels values, or null) for n samples. */
    public void forward(int n, float[] x, int xOff, float[] w, float[] bias, float[] y, int yOff) {
        conv.adjoint(n, x, xOff, w, y, yOff);
        if (bias != null) {
            int c = inner.inChannels();
            int p = inner.inH() * inner.inW();
            if (bias.length < c) {
                throw new IllegalArgumentException("bias has " + bias.length + " values, needs " + c);
            }
            for (int s = 0; s < n; s++) {
                for (int o = 0; o < c; o++) {
                    int base = yOff + (s * c + o) * p;
                    float b = bias[o];
                    for (int j = 0; j < p; j++) {
                        y[base + j] += b;
                    }
                }
            }
        }
    }

    /** dx = convT^T(e; W) = conv(e; W): the error reaching the source. Overwrites dx. */
    public void adjoint(int n, float[] e, int eOff, float[] w, float[] dx, int dxOff) {
        conv.forward(n, e, eOff, w, null, dx, dxOff);
    }

    /** dw = alpha * sum over samples of d&lt;e, convT(x; W)&gt;/dW + beta * dw. */
    public void weightGrad(int n, float[] x, int xOff, float[] e, int eOff, float alpha, float[] dw, float beta) {
        conv.weightGrad(n, e, eOff, x, xOff, alpha, dw, beta);
    }

    /** db[o] = alpha * sum of e[:, o, :, :] + beta * db[o]. */
    public void biasGrad(int n, float[] e, int eOff, float alpha, float[] db, float beta) {
        Conv2d.check(n, e, eOff, outSize(), "e");
        Conv2d.channelSum(n, inner.inChannels(), inner.inH() * inner.inW(), e, eOff, alpha, db, beta);
    }

    @Override
    public String toString() {
        return "conv_transpose2d " + ConvGeometry.dims(inShape()) + " -> " + ConvGeometry.dims(outShape())
                + " (kernel " + inner.kernelH() + "x" + inner.kernelW() + ", stride " + inner.strideH() + "x"
                + inner.strideW() + ", padding " + inner.padH() + "x" + inner.padW() + ")";
    }
}
