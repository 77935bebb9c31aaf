#!/usr/bin/env python3
"""Scores a saved model's three queries with the CLI (classify, generate, complete).

usage: fc-figures.py MODEL TEST_PREFIX TRAIN_PREFIX [--steps N] [--generate-steps N] [--complete-steps N] [--limit N]
                     [--label-precision PI] [--image-start auto|mean|default]

TEST_PREFIX/TRAIN_PREFIX are `./pcn4j data export` outputs (PREFIX-images.idx, PREFIX-labels.idx).
Pixels are scored in [0, 1] (raw / max raw value of the training split). Prints one JSON object:
- accuracy: classify with the label free (--steps inference steps, default: the model's own);
- generation: one image per class (label clamped, no noise); mse_own = its mean-square distance to
  its class's mean training image, mse_other = to the nearest other class mean, nearest_own = the
  share of classes whose generated image is nearest its own class mean;
- completion: top half clamped, bottom half inferred; mse = bottom-half mean-square error against
  the truth, mse_mean_image = the same for the mean training image (the baseline).
"""
import json, os, subprocess, sys, tempfile
import numpy as np

def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], 'big')
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

def pcn4j(*args):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([os.path.join(root, 'pcn4j'), *args, '--threads', '1'], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr)
    return r.stdout

def main():
    a = sys.argv[1:]
    opts = {}
    while len(a) > 3:
        opts[a[-2]] = a[-1]
        a = a[:-2]
    model, test, train = a
    xt, yt = idx(test + '-images.idx'), idx(test + '-labels.idx')
    xr, yr = idx(train + '-images.idx'), idx(train + '-labels.idx')
    scale = float(xr.max())
    n = int(opts.get('--limit', len(xt)))
    tmp = tempfile.mkdtemp()
    out = {}
    args = ['classify', '--model', model, '--images', test + '-images.idx', '--labels', test + '-labels.idx']
    if '--steps' in opts:
        args += ['--inference-steps', opts['--steps']]
    c = json.loads(pcn4j(*args))
    out['accuracy'] = c['accuracy']
    out['classify_steps'] = c['inference_steps']
    rows, cols = xt.shape[1], xt.shape[2]
    flat_r = xr.reshape(len(xr), -1) / scale
    means = np.stack([flat_r[yr == k].mean(0) for k in range(10)])
    gen = []
    for k in range(10):
        g = os.path.join(tmp, 'gen%d.idx' % k)
        steps = ['--inference-steps', opts['--generate-steps']] if '--generate-steps' in opts else []
        for o in ('--label-precision', '--image-start'):
            if o in opts:
                steps += [o, opts[o]]
        pcn4j('generate', '--model', model, '--label', str(k), '--count', '1', '--out', g, *steps)
        gen.append(idx(g).reshape(-1) / scale)
    gen = np.stack(gen)
    d = ((gen[:, None, :] - means[None, :, :]) ** 2).mean(2)
    own = np.diag(d)
    other = np.array([np.min(np.delete(d[k], k)) for k in range(10)])
    out['generation'] = {'mse_own': float(own.mean()), 'mse_other': float(other.mean()),
                         'nearest_own': float((d.argmin(1) == np.arange(10)).mean())}
    cues = os.path.join(tmp, 'cues.idx')
    with open(cues, 'wb') as f:
        f.write((0x803).to_bytes(4, 'big') + n.to_bytes(4, 'big') + rows.to_bytes(4, 'big') + cols.to_bytes(4, 'big'))
        f.write(xt[:n].tobytes())
    comp = os.path.join(tmp, 'comp.idx')
    args = ['complete', '--model', model, '--cues', cues, '--clamp', 'top-half', '--out', comp]
    if '--complete-steps' in opts:
        args += ['--inference-steps', opts['--complete-steps']]
    if '--image-start' in opts:
        args += ['--image-start', opts['--image-start']]
    pcn4j(*args)
    got = idx(comp).reshape(n, rows, cols) / scale
    truth = xt[:n] / scale
    bottom = slice(rows // 2, rows)
    mean_img = flat_r.mean(0).reshape(rows, cols)
    out['completion'] = {'images': n, 'mse': float(((got[:, bottom] - truth[:, bottom]) ** 2).mean()),
                         'mse_mean_image': float(((mean_img[None, bottom] - truth[:, bottom]) ** 2).mean())}
    print(json.dumps(out))

main()
