package org.pcn4j.conv;

/** Plain double-precision direct loops: the definitions the fast kernels are checked against. */
final class ConvReference {
    private ConvReference() {}

    static double[] conv2d(ConvGeometry g, int n, float[] x, float[] w, float[] b) {
        int c = g.inChannels(), h = g.inH(), wd = g.inW(), o = g.outChannels(), oh = g.outH(), ow = g.outW();
        int cg = c / g.groups(), og = o / g.groups(), kh = g.kernelH(), kw = g.kernelW();
        double[] y = new double[n * g.outSize()];
        for (int s = 0; s < n; s++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = b == null ? 0 : b[oc];
                        for (int cl = 0; cl < cg; cl++) {
                            int ci = grp * cg + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int ih = i * g.strideH() - g.padH() + ki;
                                    int iw = j * g.strideW() - g.padW() + kj;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) {
                                        continue;
                                    }
                                    sum += (double) w[((oc * cg + cl) * kh + ki) * kw + kj]
                                            * x[((s * c + ci) * h + ih) * wd + iw];
                                }
                            }
                        }
                        y[((s * o + oc) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** The adjoint, written as a scatter: every product of the forward loop sent the other way. */
    static double[] adjoint(ConvGeometry g, int n, float[] e, float[] w) {
        int c = g.inChannels(), h = g.inH(), wd = g.inW(), o = g.outChannels(), oh = g.outH(), ow = g.outW();
        int cg = c / g.groups(), og = o / g.groups(), kh = g.kernelH(), kw = g.kernelW();
        double[] dx = new double[n * g.inSize()];
        for (int s = 0; s < n; s++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double ev = e[((s * o + oc) * oh + i) * ow + j];
                        for (int cl = 0; cl < cg; cl++) {
                            int ci = grp * cg + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int ih = i * g.strideH() - g.padH() + ki;
                                    int iw = j * g.strideW() - g.padW() + kj;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) {
                                        continue;
                                    }
                                    dx[((s * c + ci) * h + ih) * wd + iw] +=
                                            ev * w[((oc * cg + cl) * kh + ki) * kw + kj];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** dW[o, cl, ki, kj] = sum over samples and output positions of e * x. */
    static double[] weightGrad(ConvGeometry g, int n, float[] x, float[] e) {
        int c = g.inChannels(), h = g.inH(), wd = g.inW(), o = g.outChannels(), oh = g.outH(), ow = g.outW();
        int cg = c / g.groups(), og = o / g.groups(), kh = g.kernelH(), kw = g.kernelW();
        double[] dw = new double[g.weightSize()];
        for (int s = 0; s < n; s++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double ev = e[((s * o + oc) * oh + i) * ow + j];
                        for (int cl = 0; cl < cg; cl++) {
                            int ci = grp * cg + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int ih = i * g.strideH() - g.padH() + ki;
                                    int iw = j * g.strideW() - g.padW() + kj;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) {
                                        continue;
                                    }
                                    dw[((oc * cg + cl) * kh + ki) * kw + kj] +=
                                            ev * x[((s * c + ci) * h + ih) * wd + iw];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dw;
    }

    /**
     * nn.ConvTranspose2d by its own definition: input pixel (ih, iw) of channel ci adds
     * x * w[ci, col, ki, kj] at output (ih * s - p + ki, iw * s - p + kj).
     */
    static double[] convTranspose2d(int n, int cin, int h, int wd, int cout, int kh, int kw, int s, int p, int op,
            int groups, float[] x, float[] w, float[] b) {
        int oh = (h - 1) * s - 2 * p + kh + op;
        int ow = (wd - 1) * s - 2 * p + kw + op;
        int cgIn = cin / groups, cgOut = cout / groups;
        double[] y = new double[n * cout * oh * ow];
        for (int sm = 0; sm < n; sm++) {
            for (int co = 0; co < cout; co++) {
                for (int q = 0; q < oh * ow; q++) {
                    y[(sm * cout + co) * oh * ow + q] = b == null ? 0 : b[co];
                }
            }
            for (int ci = 0; ci < cin; ci++) {
                int grp = ci / cgIn;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double xv = x[((sm * cin + ci) * h + i) * wd + j];
                        for (int cl = 0; cl < cgOut; cl++) {
                            int co = grp * cgOut + cl;
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int y0 = i * s - p + ki;
                                    int x0 = j * s - p + kj;
                                    if (y0 < 0 || y0 >= oh || x0 < 0 || x0 >= ow) {
                                        continue;
                                    }
                                    y[((sm * cout + co) * oh + y0) * ow + x0] +=
                                            xv * w[((ci * cgOut + cl) * kh + ki) * kw + kj];
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    static double[] pool(boolean max, int n, int c, int h, int w, int k, int s, float[] x) {
        int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
        double[] y = new double[n * c * oh * ow];
        for (int sm = 0; sm < n; sm++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                double v = x[((sm * c + ch) * h + i * s + a) * w + j * s + b];
                                acc = max ? Math.max(acc, v) : acc + v / (k * k);
                            }
                        }
                        y[((sm * c + ch) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return y;
    }
}
