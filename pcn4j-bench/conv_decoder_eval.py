#!/usr/bin/env python3
"""Judges a generative conv decoder (examples/conv-decoder.yaml) with pcn4j's own commands.

Issue 13, item 6c: "generation judged by a separately trained classifier, and completion error
against the mean image". Everything the models do runs through the CLI (`generate`, `classify`,
`complete`, `data export`); this script only slices IDX files, averages and draws:

1. Generation: for every class C, `generate --label C` once without noise (with flat priors the
   top-down image: every sample is the same) and `--count N --noise SIGMA` (Langevin samples),
   then `classify --model CLASSIFIER --expect C` gives the share the classifier assigns to C.
2. Completion: the first M test images with the top half or the left half known
   (`complete --clamp top-half|left-half --truth`), the MSE of the unknown pixels on [0, 1]
   pixels, next to the same pixels' MSE of the training set's mean image and of the mean image
   of each test image's own class (an oracle: it knows the label the decoder is not given).
3. Optionally (--classify-count K) the decoder's own classification by energy on K test images.

    /usr/bin/python3 pcn4j-bench/conv_decoder_eval.py --decoder RUN/model.safetensors \\
        --classifier CLS/model.safetensors --data-dir /work/shared/data/fashion-mnist --out docs/conv

prints one JSON object (also written to OUT/conv-decoder-eval.json) and writes two PNG grids:
OUT/conv-decoder-samples.png (a row per class: the noiseless image, then 9 noisy samples) and
OUT/conv-decoder-completion.png (cue, completion, truth for 8 test images, both masks; the
completion is the last one run: --label-search's when --search-steps is given).
Needs numpy and PIL (Debian's python3-numpy, python3-pil). A few minutes at the defaults.
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw[4 + 4 * ndim:], dtype=np.uint8).reshape(dims)


def write_idx_images(path, images):
    n, r, c = images.shape
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", 0x00000803, n, r, c))
        f.write(np.ascontiguousarray(images, dtype=np.uint8).tobytes())


def write_idx_labels(path, labels):
    with open(path, "wb") as f:
        f.write(struct.pack(">II", 0x00000801, len(labels)))
        f.write(np.ascontiguousarray(labels, dtype=np.uint8).tobytes())


def pcn4j(args, exe, threads):
    cmd = [exe] + args + (["--threads", str(threads)] if threads else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: " + " ".join(cmd) + "\n" + p.stderr)
    return p.stdout


def last_json(out):
    return json.loads([l for l in out.splitlines() if l.startswith("{")][-1])


def grid(rows, path, scale=2, gap=2):
    """rows: a list of lists of HxW uint8 images; white gaps between them."""
    h, w = rows[0][0].shape
    ncol = max(len(r) for r in rows)
    canvas = np.full((len(rows) * (h + gap) + gap, ncol * (w + gap) + gap), 255, dtype=np.uint8)
    for i, r in enumerate(rows):
        for j, im in enumerate(r):
            y, x = gap + i * (h + gap), gap + j * (w + gap)
            canvas[y:y + h, x:x + w] = im
    Image.fromarray(canvas).resize((canvas.shape[1] * scale, canvas.shape[0] * scale), Image.NEAREST).save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decoder", required=True, help="the generative conv decoder's model.safetensors")
    ap.add_argument("--classifier", required=True, help="a separately trained classifier's model.safetensors")
    ap.add_argument("--data-dir", default=None, help="Fashion-MNIST's four IDX files")
    ap.add_argument("--dataset", default="fashion-mnist")
    ap.add_argument("--out", required=True, help="folder for the JSON, the PNG grids and the IDX files")
    ap.add_argument("--count", type=int, default=100, help="noisy samples per class (default 100)")
    ap.add_argument("--noise", type=float, nargs="+", default=[0.5], help="Langevin noise SIGMA(s) (default 0.5)")
    ap.add_argument("--gen-steps", type=int, default=50, help="generate --inference-steps (default 50)")
    ap.add_argument("--cues", type=int, default=1000, help="test images to complete (default 1000)")
    ap.add_argument("--complete-steps", type=int, nargs="+", default=[100],
                    help="complete --inference-steps, one or more (default 100; the PNG shows the last)")
    ap.add_argument("--search-steps", type=int, nargs="*", default=[20],
                    help="complete --label-search --inference-steps, zero or more (default 20)")
    ap.add_argument("--state-lr", type=float, default=None, help="complete --state-lr (default: the model's)")
    ap.add_argument("--classify-count", type=int, default=0, help="also classify this many test images with the decoder")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--pcn4j", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcn4j"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="conv-decoder-eval-")
    res = {"decoder": a.decoder, "classifier": a.classifier}

    # The splits as raw IDX (what the CLI's queries read).
    for split in ("train", "test"):
        pcn4j(["data", "export", "--dataset", a.dataset] + (["--data-dir", a.data_dir] if a.data_dir else [])
              + ["--split", split, "--out", os.path.join(work, split)], a.pcn4j, None)
    train = read_idx(os.path.join(work, "train-images.idx")).astype(np.float64) / 255
    train_y = read_idx(os.path.join(work, "train-labels.idx"))
    test = read_idx(os.path.join(work, "test-images.idx"))
    test_y = read_idx(os.path.join(work, "test-labels.idx"))
    classes = int(train_y.max()) + 1

    # 1. Generation judged by the classifier.
    gen = {}
    sample_rows = []
    for c in range(classes):
        plain = os.path.join(work, f"gen-{c}.idx")
        pcn4j(["generate", "--model", a.decoder, "--label", str(c), "--count", "1", "--inference-steps",
               str(a.gen_steps), "--out", plain], a.pcn4j, a.threads)
        row = [read_idx(plain)[0]]
        for sigma in a.noise:
            noisy = os.path.join(work, f"gen-{c}-noise{sigma}.idx")
            pcn4j(["generate", "--model", a.decoder, "--label", str(c), "--count", str(a.count), "--noise", str(sigma),
                   "--seed", "1", "--inference-steps", str(a.gen_steps), "--out", noisy], a.pcn4j, a.threads)
            if sigma == a.noise[0]:
                row += list(read_idx(noisy)[:9])
        sample_rows.append(row)
    images = {"none": [os.path.join(work, f"gen-{c}.idx") for c in range(classes)]}
    for sigma in a.noise:
        images[str(sigma)] = [os.path.join(work, f"gen-{c}-noise{sigma}.idx") for c in range(classes)]
    for key, files in images.items():
        # One classify call per noise level: all classes' images in one file, their labels beside.
        ims = [read_idx(f) for f in files]
        allf = os.path.join(work, f"all-{key}.idx")
        write_idx_images(allf, np.concatenate(ims))
        want = np.concatenate([np.full(len(im), c, dtype=np.uint8) for c, im in enumerate(ims)])
        lab = os.path.join(work, f"all-{key}-labels.idx")
        write_idx_labels(lab, want)
        o = last_json(pcn4j(["classify", "--model", a.classifier, "--images", allf, "--labels", lab], a.pcn4j, a.threads))
        hit = np.array(o["predicted"]) == want
        per = [round(float(hit[want == c].mean()), 4) for c in range(classes)]
        gen["noise " + key] = {"count_per_class": len(ims[0]), "accuracy": round(float(hit.mean()), 4),
                               "per_class": per}
    res["generation"] = gen
    grid(sample_rows, os.path.join(a.out, "conv-decoder-samples.png"))

    # 2. Completion against the mean image (and the class-conditional mean, an oracle).
    m = min(a.cues, len(test))
    cues = os.path.join(work, "cues.idx")
    write_idx_images(cues, test[:m])
    truth = test[:m].astype(np.float64) / 255
    mean = train.mean(axis=0)
    class_mean = np.stack([train[train_y == c].mean(axis=0) for c in range(classes)])
    h, w = test.shape[1:]
    comp = {}
    pictures = []
    for clamp in ("top-half", "left-half"):
        known = np.zeros((h, w), dtype=bool)
        if clamp == "top-half":
            known[:h // 2, :] = True
        else:
            known[:, :w // 2] = True
        hidden = ~known
        mse_mean = float(((mean[None] - truth)[:, hidden] ** 2).mean())
        mse_cls = float(((class_mean[test_y[:m]] - truth)[:, hidden] ** 2).mean())
        comp[clamp] = {"count": m, "mean_image_hidden_mse": round(mse_mean, 5),
                       "class_mean_hidden_mse": round(mse_cls, 5)}
        for search, steps in [(False, x) for x in a.complete_steps] + [(True, x) for x in a.search_steps]:
            out = os.path.join(work, f"completed-{clamp}-{steps}-{search}.idx")
            args = ["complete", "--model", a.decoder, "--cues", cues, "--clamp", clamp, "--inference-steps",
                    str(steps), "--truth", cues, "--out", out] + (["--label-search"] if search else [])
            if a.state_lr is not None:
                args += ["--state-lr", str(a.state_lr)]
            o = last_json(pcn4j(args, a.pcn4j, a.threads))
            key = "label_search_" if search else "free_label_"
            comp[clamp][f"decoder_{key}hidden_mse_{steps}_steps"] = round(o["hidden_mse"], 5)
        done = read_idx(out)
        for i in range(8):
            cue = test[i].copy()
            cue[hidden] = 0
            pictures.append([cue, done[i], test[i]])
    res["completion"] = comp
    # Two columns of triplets (cue, completion, truth): top half on the left, left half on the right.
    rows = [pictures[i] + pictures[8 + i] for i in range(8)]
    grid(rows, os.path.join(a.out, "conv-decoder-completion.png"))

    # 3. The decoder as a classifier (energy of each clamped label; slow: one relaxation per class).
    if a.classify_count > 0:
        k = min(a.classify_count, len(test))
        imgs = os.path.join(work, "cls.idx")
        write_idx_images(imgs, test[:k])
        labels = os.path.join(work, "cls-labels.idx")
        write_idx_labels(labels, test_y[:k])
        o = last_json(pcn4j(["classify", "--model", a.decoder, "--images", imgs, "--labels", labels], a.pcn4j, a.threads))
        res["decoder_classification"] = {"count": k, "accuracy": o["accuracy"]}

    print(json.dumps(res))
    with open(os.path.join(a.out, "conv-decoder-eval.json"), "w") as f:
        json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
