"""Image-decoding fixtures: real JPEG / PNG files shipped by Debian packages, variants generated from a real photo,
and what Pillow decodes from each.

Run from the repository root with Debian's Python (python3-pil, python3-numpy, torch):
    /usr/bin/python3 Srn.Tests/Fixtures/Images/make_image_fixtures.py

1. Copies the real files listed in REAL (see README.md for each file's package) into this folder.
2. Generates the variants Debian ships none of, from grace_hopper.jpg (a photograph): JPEG with 4:2:0 / 4:2:2 / 4:4:4
   chroma, grayscale, progressive, CMYK (Pillow, Adobe-inverted), YCCK (libjpeg-turbo's TurboJPEG through ctypes),
   EXIF orientations 1-8 (little-endian EXIF written by Pillow) and 6 again with a big-endian EXIF block; PNG with
   an eXIf orientation, 16-bit gray / RGB / RGBA / gray+alpha, 1- and 4-bit gray, gray and RGB with a tRNS colour,
   a 256-colour palette and Adam7 interlacing (the last ones through the small PNG writer below, because Pillow
   writes neither 16-bit colour nor interlaced PNGs).
3. Decodes every file with Pillow and writes expected.safetensors, for each file NAME:
     NAME/gray       exif_transpose(im).convert("L")      as uint8 [1, H, W]
     NAME/rgb        exif_transpose(im).convert("RGB")    as uint8 [3, H, W]
     NAME/unchanged  exif_transpose(im).convert(M)        M = the channels the file stores: L, LA, RGB or RGBA
                     (palette -> RGB, or RGBA with a tRNS chunk; gray/RGB with a tRNS colour -> LA/RGBA;
                     CMYK JPEG -> RGB)
     NAME/rgb_raw    im.convert("RGB") without exif_transpose (files with an EXIF orientation only)
   Large images keep every k-th row only (metadata "rowstep:NAME" = k), to keep this file small; the test compares
   the same rows of its full decode. A decode equal to another of the same file is stored once (metadata
   "alias:NAME/KEY" = "NAME/OTHER"). Metadata "files" lists the names, "pillow" the Pillow version.
"""
import ctypes
import io
import os
import shutil
import struct
import sys
import zlib

import numpy as np
import PIL
import torch
from PIL import Image, ImageOps

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fixturelib import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_PIXELS_STORED = 12000  # per file and mode; larger images store every k-th row

# name in this folder -> path on Debian 12 (the package is in README.md)
REAL = {
    "grace_hopper.jpg": "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
    "thin-white-stripe.jpg": "/usr/share/doc/nodejs/thin-white-stripe.jpg",
    "minus.png": "/usr/share/doc/python3/_static/minus.png",
    "SmallLogo.png": "/usr/share/cmake-3.25/Templates/Windows/SmallLogo.png",
    "ui-bg_flat_0_aaaaaa_40x100.png": "/usr/share/javascript/jquery-ui/themes/base/images/ui-bg_flat_0_aaaaaa_40x100.png",
    "git-favicon.png": "/usr/share/gitweb/static/git-favicon.png",
    "git-logo.png": "/usr/share/gitweb/static/git-logo.png",
    "gvim-16.png": "/usr/share/icons/locolor/16x16/apps/gvim.png",
    "dots.png": "/usr/lib/python3/dist-packages/scipy/ndimage/tests/dots.png",
    "computer.png": "/usr/share/icons/Adwaita/32x32/devices/computer.png",
    "gnupg-module-overview.png": "/usr/share/info/gnupg-module-overview.png",
}


def copy_real():
    for name, src in REAL.items():
        dst = os.path.join(HERE, name)
        if os.path.exists(src):
            shutil.copyfile(src, dst)
        elif not os.path.exists(dst):
            raise SystemExit(f"{src} is missing (install its package, see README.md) and {dst} does not exist")


# ----- a minimal PNG writer (for what Pillow cannot write) -----------------------------------------------------

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _rows(a, bit_depth):
    """a: [H, W, C] samples. Returns the filtered (filter type 0) scanlines."""
    h, w, c = a.shape
    out = bytearray()
    for y in range(h):
        out.append(0)
        if bit_depth == 16:
            out += a[y].astype(">u2").tobytes()
        elif bit_depth == 8:
            out += a[y].astype(np.uint8).tobytes()
        else:  # 1, 2, 4: pack samples, most significant bits first
            per = 8 // bit_depth
            flat = a[y].reshape(-1).astype(np.uint8)
            flat = np.concatenate([flat, np.zeros((-len(flat)) % per, np.uint8)])
            for i in range(0, len(flat), per):
                byte = 0
                for s in flat[i:i + per]:
                    byte = (byte << bit_depth) | int(s)
                out.append(byte)
    return bytes(out)


def write_png(path, a, color_type, bit_depth, interlace=False, trns=None):
    if a.ndim == 2:
        a = a[:, :, None]
    h, w, _ = a.shape
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = a[y0::dy, x0::dx]
            if sub.size:
                raw += _rows(sub, bit_depth)
    else:
        raw = _rows(a, bit_depth)
    data = b"\x89PNG\r\n\x1a\n"
    data += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if trns is not None:
        data += _chunk(b"tRNS", b"".join(struct.pack(">H", v) for v in trns))
    data += _chunk(b"IDAT", zlib.compress(raw, 9))
    data += _chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


# ----- generated variants ----------------------------------------------------------------------------------------

def photo(w, h, box):
    """A crop of grace_hopper.jpg resized to w x h (odd sizes exercise partial JPEG blocks)."""
    im = Image.open(os.path.join(HERE, "grace_hopper.jpg")).convert("RGB")
    return im.crop(box).resize((w, h), Image.BILINEAR)


def exif_block(orientation, big_endian=False):
    if not big_endian:
        exif = Image.Exif()
        exif[0x0112] = orientation
        return exif.tobytes()
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    return b"Exif\x00\x00" + tiff


def insert_app1(jpeg, payload):
    """Inserts an APP1 segment right after SOI."""
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def ycck_jpeg(cmyk):
    """TurboJPEG compresses packed CMYK into a YCCK JPEG (Adobe transform 2); Pillow cannot write one."""
    tj = ctypes.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    tj.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                               ctypes.c_int, ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),
                               ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int, ctypes.c_int]
    tj.tjFree.argtypes = [ctypes.c_void_p]
    tj.tjDestroy.argtypes = [ctypes.c_void_p]
    h, w, _ = cmyk.shape
    handle = tj.tjInitCompress()
    buf = ctypes.POINTER(ctypes.c_ubyte)()
    size = ctypes.c_ulong(0)
    TJPF_CMYK, TJSAMP_420 = 11, 2
    if tj.tjCompress2(handle, np.ascontiguousarray(cmyk).tobytes(), w, 0, h, TJPF_CMYK, ctypes.byref(buf),
                      ctypes.byref(size), TJSAMP_420, 90, 0) != 0:
        raise RuntimeError("tjCompress2 failed")
    data = ctypes.string_at(buf, size.value)
    tj.tjFree(buf)
    tj.tjDestroy(handle)
    return data


def generate():
    p = lambda name: os.path.join(HERE, name)  # noqa: E731
    base = photo(67, 45, (120, 60, 420, 260))
    for sub, label in [(2, "420"), (1, "422"), (0, "444")]:
        base.save(p(f"gen-{label}.jpg"), "JPEG", quality=90, subsampling=sub)
    base.convert("L").save(p("gen-gray.jpg"), "JPEG", quality=90)
    photo(83, 61, (60, 40, 460, 360)).save(p("gen-progressive.jpg"), "JPEG", quality=85, progressive=True)

    # CMYK with a real black channel (Pillow's own RGB -> CMYK leaves K at 0).
    rgb = np.asarray(photo(41, 29, (150, 80, 350, 230))).astype(np.int32)
    k = 255 - rgb.max(axis=2)
    cmy = np.where(k[..., None] < 255, (255 - rgb - k[..., None]) * 255 // np.maximum(255 - k[..., None], 1), 0)
    cmyk = np.concatenate([cmy, k[..., None]], axis=2).clip(0, 255).astype(np.uint8)
    Image.fromarray(cmyk, "CMYK").save(p("gen-cmyk.jpg"), "JPEG", quality=90)
    with open(p("gen-ycck.jpg"), "wb") as f:
        f.write(ycck_jpeg(cmyk))

    # EXIF orientation: a non-square image with an asymmetric picture, so each transform is told apart.
    small = photo(40, 24, (100, 100, 400, 280))
    for o in range(1, 9):
        small.save(p(f"gen-exif-{o}.jpg"), "JPEG", quality=90, exif=exif_block(o))
    b = io.BytesIO()
    small.save(b, "JPEG", quality=90)
    with open(p("gen-exif-6-mm.jpg"), "wb") as f:
        f.write(insert_app1(b.getvalue(), exif_block(6, big_endian=True)))
    small.save(p("gen-exif-8.png"), "PNG", exif=exif_block(8))

    # PNG bit depths and transparency.
    gray = np.asarray(photo(37, 23, (120, 60, 420, 260)).convert("L")).astype(np.uint32)
    Image.fromarray((gray * gray).astype(np.uint16), "I;16").save(p("gen-gray16.png"))  # values 0..65025
    rgb16 = np.asarray(photo(31, 19, (100, 50, 400, 300))).astype(np.uint32)
    rgb16 = rgb16 * 257 + (np.arange(rgb16.size).reshape(rgb16.shape) % 251)  # low bytes must not matter
    write_png(p("gen-rgb16.png"), rgb16.astype(np.uint16), 2, 16)
    alpha16 = (np.linspace(0, 65535, 31)[None, :, None] * np.ones((19, 1, 1))).astype(np.uint16)
    write_png(p("gen-rgba16.png"), np.concatenate([rgb16.astype(np.uint16), alpha16], axis=2), 6, 16)
    write_png(p("gen-la16.png"), np.concatenate([(gray[:19, :31, None] * 257).astype(np.uint16), alpha16], axis=2), 4, 16)
    write_png(p("gen-gray4.png"), (gray >> 4).astype(np.uint8), 0, 4)
    Image.fromarray(gray.astype(np.uint8)).convert("1").save(p("gen-gray1.png"))
    gl = Image.fromarray(gray.astype(np.uint8))
    gl.save(p("gen-gray-trns.png"), transparency=int(gray[0, 0]))
    rgb8 = photo(29, 17, (120, 60, 420, 260))
    rgb8.save(p("gen-rgb-trns.png"), transparency=tuple(int(v) for v in np.asarray(rgb8)[0, 0]))
    photo(45, 33, (60, 40, 460, 360)).quantize(256).save(p("gen-palette.png"))
    write_png(p("gen-interlaced.png"), np.asarray(photo(35, 21, (100, 50, 400, 300))), 2, 8, interlace=True)


# ----- expected decodes ------------------------------------------------------------------------------------------

def unchanged_mode(im, path):
    if im.format == "JPEG":
        return "L" if im.mode == "L" else "RGB"
    with open(path, "rb") as f:
        head = f.read(33)
    color_type = head[25]
    trns = "transparency" in im.info
    return {0: "LA" if trns else "L", 2: "RGBA" if trns else "RGB", 3: "RGBA" if trns else "RGB",
            4: "LA", 6: "RGBA"}[color_type]


def chw(im):
    a = np.asarray(im)
    if a.ndim == 2:
        a = a[:, :, None]
    return torch.from_numpy(np.array(a.transpose(2, 0, 1), dtype=np.uint8, order="C"))


def main():
    copy_real()
    generate()
    names = sorted(n for n in os.listdir(HERE) if n.lower().endswith((".jpg", ".png")))
    tensors, metadata = {}, {"files": ",".join(names), "pillow": PIL.__version__}
    for name in names:
        path = os.path.join(HERE, name)
        im = Image.open(path)
        im.load()
        oriented = ImageOps.exif_transpose(im)
        step = max(1, -(-im.size[0] * im.size[1] // MAX_PIXELS_STORED))
        if step > 1:
            metadata[f"rowstep:{name}"] = str(step)
        outs = {"gray": oriented.convert("L"), "rgb": oriented.convert("RGB"),
                "unchanged": oriented.convert(unchanged_mode(im, path))}
        if im.getexif().get(0x0112, 1) != 1:
            outs["rgb_raw"] = im.convert("RGB")
        stored = {}
        for key, out in outs.items():
            t = chw(out)[:, ::step].contiguous()
            twin = next((k for k, v in stored.items() if v.shape == t.shape and torch.equal(v, t)), None)
            if twin is not None:  # e.g. unchanged == rgb for an RGB file: stored once
                metadata[f"alias:{name}/{key}"] = f"{name}/{twin}"
                continue
            stored[key] = t
            tensors[f"{name}/{key}"] = t
        print(f"{name:34s} {im.format:4s} {im.mode:5s} {im.size[0]}x{im.size[1]} rows/{step}  "
              f"{os.path.getsize(path)} bytes")
    save_safetensors(os.path.join(HERE, "expected.safetensors"), tensors, metadata)
    total = sum(os.path.getsize(os.path.join(HERE, n)) for n in names)
    print(f"{len(names)} images, {total} bytes; expected.safetensors "
          f"{os.path.getsize(os.path.join(HERE, 'expected.safetensors'))} bytes")


if __name__ == "__main__":
    main()
