"""Fixtures for Srn.Torch's .npy reader (Srn.Tests/Torch/NpyTests.cs).

Run with Debian's python (which has numpy and torch):  /usr/bin/python3 make_npy_fixtures.py
Writes into npy/ beside this script:
  <case>.npy             one array per case, written by numpy itself (np.save, or np.lib.format.write_array for the
                         format versions 2.0 and 3.0): every supported dtype, both byte orders, C and Fortran order,
                         0-d, empty and 3-d arrays
  bad_*.npy / bad.npz    files the reader must refuse with a one-line message: object array, structured dtype,
                         uint32, complex64, an .npz archive, truncated data, trailing bytes, no magic, version 9
  expected.safetensors   <case> -> the array as a C-order tensor (torch.from_numpy(a.astype(native byte order, order="C")))
Every array is small: the folder stays far below 100 kB.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fixturelib import save_safetensors  # noqa: E402

OUT = os.path.join(HERE, "npy")


def cases():
    rng = np.random.default_rng(11)
    c = {}
    c["f4_2x3"] = rng.standard_normal((2, 3)).astype("<f4")
    c["f8_3d"] = rng.standard_normal((2, 3, 4)).astype("<f8")
    c["f2_vec"] = rng.standard_normal(5).astype("<f2")
    c["i8_vec"] = np.array([-(2 ** 62), -1, 0, 7, 2 ** 40], dtype="<i8")
    c["i4_2x2"] = np.array([[-(2 ** 31), 5], [2 ** 31 - 1, -7]], dtype="<i4")
    c["i2_vec"] = np.array([-300, 12, 32767], dtype="<i2")
    c["i1_vec"] = np.array([-128, 127, 3], dtype="i1")
    c["u1_2x4"] = np.array([[0, 255, 9, 128], [1, 2, 3, 4]], dtype="u1")
    c["b1_3"] = np.array([True, False, True])
    c["f4_big"] = rng.standard_normal((3, 2)).astype(">f4")
    c["f8_big"] = rng.standard_normal(4).astype(">f8")
    c["i8_big"] = np.array([[1, -2], [2 ** 50, -(2 ** 33)]], dtype=">i8")
    c["i4_big"] = np.array([1, -2, 2 ** 30], dtype=">i4")
    c["f4_fortran"] = np.asfortranarray(rng.standard_normal((3, 4)).astype("<f4"))
    c["f8_fortran_3d"] = np.asfortranarray(rng.standard_normal((2, 3, 4)))
    c["i8_fortran_big"] = np.asfortranarray(np.arange(6, dtype=">i8").reshape(2, 3))
    c["scalar_f8"] = np.array(2.5)
    c["empty_0x3"] = np.zeros((0, 3), dtype="<f4")
    c["labels_300d"] = rng.standard_normal((4, 300)).astype("<f4")   # word vectors as the reference ships them
    c["f8_fortran_2x5"] = np.asfortranarray(rng.standard_normal((2, 5)))
    for name in ("f4_fortran", "f8_fortran_3d", "i8_fortran_big", "f8_fortran_2x5"):
        assert c[name].flags.f_contiguous and not c[name].flags.c_contiguous, name
    return c


def write_version(path, array, version):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=version)


def main():
    os.makedirs(OUT, exist_ok=True)
    arrays = cases()
    expected = {}
    for name, a in arrays.items():
        np.save(os.path.join(OUT, name + ".npy"), a)
        expected[name] = torch.from_numpy(a.astype(a.dtype.newbyteorder("="), order="C"))  # ascontiguousarray would make 0-d 1-d
    v2 = arrays["f4_2x3"]
    write_version(os.path.join(OUT, "v2_f4_2x3.npy"), v2, (2, 0))
    write_version(os.path.join(OUT, "v3_f8_3d.npy"), arrays["f8_3d"], (3, 0))
    expected["v2_f4_2x3"] = expected["f4_2x3"]
    expected["v3_f8_3d"] = expected["f8_3d"]

    # Files to refuse.
    np.save(os.path.join(OUT, "bad_object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.save(os.path.join(OUT, "bad_structured.npy"), np.zeros(2, dtype=[("x", "<f4"), ("y", "<i4")]))
    np.save(os.path.join(OUT, "bad_u4.npy"), np.arange(3, dtype="<u4"))
    np.save(os.path.join(OUT, "bad_complex.npy"), np.ones(2, dtype="<c8"))
    np.savez(os.path.join(OUT, "bad.npz"), a=np.ones(2))
    good = open(os.path.join(OUT, "f4_2x3.npy"), "rb").read()
    open(os.path.join(OUT, "bad_truncated.npy"), "wb").write(good[:-3])
    open(os.path.join(OUT, "bad_trailing.npy"), "wb").write(good + b"\0\0\0\0")
    open(os.path.join(OUT, "bad_magic.npy"), "wb").write(b"NUMPY" + good[5:])
    open(os.path.join(OUT, "bad_version.npy"), "wb").write(good[:6] + b"\x09\x00" + good[8:])

    # Sanity: numpy reads back what the expected tensors say.
    for name, t in expected.items():
        back = np.load(os.path.join(OUT, name + ".npy"))
        assert back.shape == tuple(t.shape) and np.array_equal(back, t.numpy()), name

    save_safetensors(os.path.join(OUT, "expected.safetensors"), expected, {"numpy": np.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{OUT}: {len(os.listdir(OUT))} files, {total} bytes, {len(expected)} expected arrays")


if __name__ == "__main__":
    main()
