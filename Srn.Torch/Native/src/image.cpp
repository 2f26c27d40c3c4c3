// Image codecs: JPEG (libjpeg-turbo's TurboJPEG 2.x API) and PNG (libpng) to and from uint8 [C, H, W] tensors.
//
// Decoding follows Pillow, so that a tensor equals `torch.from_numpy(np.asarray(Image.open(f).convert(m)))`
// permuted to CHW: the same libjpeg settings (accurate integer IDCT, fancy upsampling), Pillow's integer formulas
// for RGB -> L and CMYK -> RGB, Pillow's reading of 16-bit PNGs, and PIL.ImageOps.exif_transpose for EXIF
// orientation. See Srn.Torch/Native/README.md ("Images").
//
// libpng reports errors by longjmp. A longjmp must never cross a C++ object with a destructor, so every call into
// libpng happens inside a small function (png_stage_*) whose locals are plain data; it arms setjmp, and the error
// callback copies libpng's message into a plain buffer before jumping back there. The C++ code around those stages
// owns all memory. TurboJPEG does its own setjmp inside the library and returns an error code.
#include "common.h"

#include <png.h>
#include <setjmp.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

constexpr int kFormatUnknown = SRN_IMAGE_UNKNOWN;
constexpr int kFormatJpeg = SRN_IMAGE_JPEG;
constexpr int kFormatPng = SRN_IMAGE_PNG;

// Pillow refuses images above 2 * Image.MAX_IMAGE_PIXELS (DecompressionBombError); so do we, before allocating:
// a corrupt header must not make us ask for gigabytes.
constexpr int64_t kMaxPixels = 178956970;

std::runtime_error data_error(const std::string& what) { return std::runtime_error(what); }

void check_pixels(const char* format, int64_t width, int64_t height) {
  if (width <= 0 || height <= 0) {
    throw data_error(std::string("invalid ") + format + " image size " + std::to_string(width) + "x" +
                     std::to_string(height));
  }
  if (width * height > kMaxPixels) {
    throw data_error(std::string(format) + " image is " + std::to_string(width) + "x" + std::to_string(height) +
                     " = " + std::to_string(width * height) + " pixels, more than the limit of " +
                     std::to_string(kMaxPixels) + " (Pillow's decompression-bomb limit)");
  }
}

std::string hex_prefix(const uint8_t* d, size_t n) {
  std::string s;
  char buf[4];
  for (size_t i = 0; i < std::min<size_t>(n, 8); ++i) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%02X" : " %02X", d[i]);
    s += buf;
  }
  return s;
}

int detect_format(const uint8_t* d, size_t n) {
  static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return kFormatJpeg;
  if (n >= 8 && std::memcmp(d, png_sig, 8) == 0) return kFormatPng;
  return kFormatUnknown;
}

[[noreturn]] void throw_unknown_format(const uint8_t* d, size_t n) {
  if (n == 0) throw data_error("the image data is empty (0 bytes)");
  std::string known;
  if (n >= 4 && (std::memcmp(d, "GIF8", 4) == 0)) known = "a GIF image";
  else if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) known = "a WebP image";
  else if (n >= 4 && (std::memcmp(d, "II*\0", 4) == 0 || std::memcmp(d, "MM\0*", 4) == 0)) known = "a TIFF image";
  else if (n >= 2 && d[0] == 'B' && d[1] == 'M') known = "a BMP image";
  else if (n >= 2 && d[0] == 0xFF && d[1] == 0xD8) known = "a JPEG start-of-image marker not followed by a segment";
  else if (n >= 4 && std::memcmp(d, "\x89PNG", 4) == 0) known = "a truncated or damaged PNG signature";
  std::string what = "unknown image format: the data (" + std::to_string(n) + " bytes) starts with " +
                     hex_prefix(d, n) + (known.empty() ? "" : " (" + known + ")") +
                     "; only JPEG (FF D8 FF) and PNG (89 50 4E 47 0D 0A 1A 0A) are supported";
  throw data_error(what);
}

// ----- EXIF orientation ---------------------------------------------------------------------------------------

// The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block; 1 when absent or not one of 1..8 (as
// PIL.ImageOps.exif_transpose, which leaves such images alone).
int exif_orientation(const uint8_t* t, size_t n) {
  if (n >= 6 && std::memcmp(t, "Exif\0", 5) == 0) {  // the APP1 / Pillow prefix "Exif\0\0"
    t += 6;
    n -= 6;
  }
  if (n < 8) return 1;
  bool le;
  if (t[0] == 'I' && t[1] == 'I') le = true;
  else if (t[0] == 'M' && t[1] == 'M') le = false;
  else return 1;
  auto u16 = [&](size_t p) -> uint32_t { return le ? (t[p] | (t[p + 1] << 8)) : ((t[p] << 8) | t[p + 1]); };
  auto u32 = [&](size_t p) -> uint32_t {
    return le ? (uint32_t(t[p]) | (uint32_t(t[p + 1]) << 8) | (uint32_t(t[p + 2]) << 16) | (uint32_t(t[p + 3]) << 24))
              : ((uint32_t(t[p]) << 24) | (uint32_t(t[p + 1]) << 16) | (uint32_t(t[p + 2]) << 8) | uint32_t(t[p + 3]));
  };
  if (u16(2) != 42) return 1;
  const size_t ifd = u32(4);
  if (ifd > n || n - ifd < 2) return 1;
  const size_t count = u16(ifd);
  for (size_t i = 0; i < count; ++i) {
    const size_t e = ifd + 2 + 12 * i;
    if (e + 12 > n) break;
    if (u16(e) != 0x0112) continue;
    const uint32_t type = u16(e + 2);
    uint32_t v = 0;
    if (type == 3) v = u16(e + 8);       // SHORT, the standard type
    else if (type == 4) v = u32(e + 8);  // LONG, written by a few tools
    return (v >= 1 && v <= 8) ? static_cast<int>(v) : 1;
  }
  return 1;
}

// Rotates / flips a [C, H, W] image as PIL.ImageOps.exif_transpose does for each orientation value.
at::Tensor apply_orientation(at::Tensor chw, int orientation) {
  switch (orientation) {
    case 2: return chw.flip({2});                                 // FLIP_LEFT_RIGHT
    case 3: return chw.flip({1, 2});                              // ROTATE_180
    case 4: return chw.flip({1});                                 // FLIP_TOP_BOTTOM
    case 5: return chw.transpose(1, 2).contiguous();              // TRANSPOSE
    case 6: return chw.transpose(1, 2).flip({2});                 // ROTATE_270 (90 degrees clockwise)
    case 7: return chw.transpose(1, 2).flip({1, 2});              // TRANSVERSE
    case 8: return chw.transpose(1, 2).flip({1});                 // ROTATE_90 (90 degrees counter-clockwise)
    default: return chw;
  }
}

// ----- pixel conversion (Pillow's formulas) ---------------------------------------------------------------------

// Pillow's RGB -> L (libImaging/Convert.c, L24): ITU-R 601-2 luma in 16-bit fixed point, rounded.
inline uint8_t luma(uint32_t r, uint32_t g, uint32_t b) {
  return static_cast<uint8_t>((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

// Interleaved 8-bit pixels with src_c channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) -> [C, H, W] with the channels
// mode asks for: 0 keeps them, 1 is Pillow's convert('L') (alpha dropped), 3 its convert('RGB') (alpha dropped,
// gray replicated).
at::Tensor to_chw(const uint8_t* src, int64_t height, int64_t width, int src_c, int mode) {
  const int out_c = mode == SRN_IMAGE_MODE_UNCHANGED ? src_c : mode;
  const int64_t plane = height * width;
  auto out = at::empty({out_c, height, width}, at::TensorOptions().dtype(at::kByte));
  if (out_c == src_c) {
    // Always a copy (permute().contiguous() would alias src when C == 1, and src belongs to the caller).
    auto hwc = at::from_blob(const_cast<uint8_t*>(src), {height, width, src_c}, at::TensorOptions().dtype(at::kByte));
    out.copy_(hwc.permute({2, 0, 1}));
    return out;
  }
  uint8_t* o = out.data_ptr<uint8_t>();
  if (out_c == 1) {
    if (src_c == 2) {
      for (int64_t i = 0; i < plane; ++i) o[i] = src[2 * i];
    } else {  // 3 or 4
      for (int64_t i = 0; i < plane; ++i) {
        const uint8_t* p = src + src_c * i;
        o[i] = luma(p[0], p[1], p[2]);
      }
    }
  } else {  // out_c == 3
    uint8_t* r = o;
    uint8_t* g = o + plane;
    uint8_t* b = o + 2 * plane;
    if (src_c <= 2) {
      for (int64_t i = 0; i < plane; ++i) r[i] = g[i] = b[i] = src[src_c * i];
    } else {  // 4: drop alpha, as convert('RGB') does (no premultiplication)
      for (int64_t i = 0; i < plane; ++i) {
        const uint8_t* p = src + 4 * i;
        r[i] = p[0];
        g[i] = p[1];
        b[i] = p[2];
      }
    }
  }
  return out;
}

// ----- JPEG -----------------------------------------------------------------------------------------------------

struct JpegLayout {
  int orientation = 1;    // from the first APP1 "Exif" segment
  bool complete = false;  // an end-of-image marker follows the last scan
  size_t end = 0;         // where the walk stopped
};

// Walks the marker segments (and, unless headers_only, the entropy-coded data after each SOS) looking for the EXIF
// segment and the end-of-image marker. libjpeg turns a missing end into a warning and fills the rest of the image
// with gray; this walk makes truncation an error whatever libjpeg reports last.
JpegLayout walk_jpeg(const uint8_t* d, size_t n, bool headers_only) {
  JpegLayout L;
  bool exif_seen = false;
  size_t pos = 2;  // after SOI
  while (pos < n) {
    if (d[pos] != 0xFF) {  // bytes between segments: libjpeg skips them (with a warning)
      ++pos;
      continue;
    }
    while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) break;
    const uint8_t m = d[pos++];
    if (m == 0xD9) {
      L.complete = true;
      L.end = pos;
      return L;
    }
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length field
    if (n - pos < 2) break;
    const size_t len = (size_t(d[pos]) << 8) | d[pos + 1];
    if (len < 2) break;  // corrupt; libjpeg says how
    if (m == 0xE1 && !exif_seen && len >= 2 + 6 && n - pos >= 2 + 6 && std::memcmp(d + pos + 2, "Exif\0", 5) == 0) {
      exif_seen = true;
      const size_t avail = std::min(len - 2, n - pos - 2);
      L.orientation = exif_orientation(d + pos + 2, avail);
    }
    if (n - pos < len) break;
    pos += len;
    if (m == 0xDA) {  // start of scan: entropy-coded data up to the next marker that is not RSTn or a stuffed 00
      if (headers_only) {
        L.end = pos;
        return L;
      }
      for (;;) {
        const void* ff = std::memchr(d + pos, 0xFF, n - pos);
        if (ff == nullptr) {
          pos = n;
          break;
        }
        size_t p = static_cast<const uint8_t*>(ff) - d;
        size_t q = p + 1;
        while (q < n && d[q] == 0xFF) ++q;
        if (q >= n) {
          pos = n;
          break;
        }
        if (d[q] == 0x00 || (d[q] >= 0xD0 && d[q] <= 0xD7)) {
          pos = q + 1;
          continue;
        }
        pos = p;  // a real marker: back to the segment loop
        break;
      }
    }
  }
  L.end = std::min(pos, n);
  return L;
}

struct TjHandle {
  tjhandle h = nullptr;
  TjHandle() : h(tjInitDecompress()) {
    if (h == nullptr) throw std::runtime_error(std::string("TurboJPEG could not start: ") + tjGetErrorStr2(nullptr));
  }
  ~TjHandle() {
    if (h != nullptr) tjDestroy(h);
  }
  TjHandle(const TjHandle&) = delete;
  TjHandle& operator=(const TjHandle&) = delete;
};

struct JpegHeader {
  int width = 0, height = 0, subsamp = 0, colorspace = 0;
};

[[noreturn]] void throw_truncated_jpeg(size_t n, const std::string& libjpeg_message) {
  throw data_error("truncated JPEG data: the " + std::to_string(n) + " bytes end before the end-of-image marker (FF D9)" +
                   (libjpeg_message.empty() ? "" : " (libjpeg: " + libjpeg_message + ")"));
}

JpegHeader read_jpeg_header(TjHandle& tj, const uint8_t* d, size_t n) {
  JpegHeader h;
  const bool failed =
      tjDecompressHeader3(tj.h, d, static_cast<unsigned long>(n), &h.width, &h.height, &h.subsamp, &h.colorspace) != 0;
  // A warning while reading the headers leaves them usable; a fatal error, or no frame header at all (TurboJPEG
  // reports a tables-only stream, which is also what a file cut before its frame header looks like), does not.
  if ((failed && tjGetErrorCode(tj.h) != TJERR_WARNING) || h.width <= 0 || h.height <= 0) {
    const std::string msg = failed ? tjGetErrorStr2(tj.h) : "";
    if (!walk_jpeg(d, n, /*headers_only=*/false).complete) throw_truncated_jpeg(n, msg);
    throw data_error(failed ? "invalid JPEG data: " + msg : std::string("JPEG data holds no image (no frame header)"));
  }
  check_pixels("JPEG", h.width, h.height);
  return h;
}

bool is_cmyk(int colorspace) { return colorspace == TJCS_CMYK || colorspace == TJCS_YCCK; }

at::Tensor decode_jpeg(const uint8_t* d, size_t n, int mode, bool exif) {
  TjHandle tj;
  const JpegHeader h = read_jpeg_header(tj, d, n);
  const JpegLayout layout = walk_jpeg(d, n, /*headers_only=*/false);
  if (!layout.complete) throw_truncated_jpeg(n, "");
  const bool cmyk = is_cmyk(h.colorspace);
  const bool gray = h.colorspace == TJCS_GRAY;
  const int pf = cmyk ? TJPF_CMYK : (gray ? TJPF_GRAY : TJPF_RGB);
  const int pc = tjPixelSize[pf];
  auto buffer = at::empty({h.height, h.width, pc}, at::TensorOptions().dtype(at::kByte));
  uint8_t* px = buffer.data_ptr<uint8_t>();
  // No FASTDCT / FASTUPSAMPLE: libjpeg's defaults (accurate integer IDCT, fancy upsampling), the settings Pillow
  // decodes with. LIMITSCANS refuses progressive files with an absurd number of scans (a known denial of service).
  if (tjDecompress2(tj.h, d, static_cast<unsigned long>(n), px, h.width, h.width * pc, h.height, pf,
                    TJFLAG_LIMITSCANS) != 0) {
    const std::string msg = tjGetErrorStr2(tj.h);
    // libjpeg's warnings mean damaged data (it substitutes gray or garbage), except bytes between two segments,
    // which it skips without losing anything (and which Pillow, like libjpeg's own tools, accepts).
    const bool benign = tjGetErrorCode(tj.h) == TJERR_WARNING && msg.find("extraneous bytes before marker") != std::string::npos;
    if (!benign) {
      // libjpeg's corrupt-data warnings already say "Corrupt JPEG data: ..."
      throw data_error(msg.rfind("Corrupt JPEG data", 0) == 0 ? msg + " (libjpeg)" : "corrupt JPEG data: " + msg);
    }
  }
  int src_c = pc;
  if (cmyk) {
    // Pillow reads every CMYK JPEG as Adobe-inverted ("CMYK;I") and converts with libImaging's cmyk2rgb:
    // nk = 255 - K; X = clip(nk - round(C * nk / 255)) with C, K the uninverted ink values. In terms of the stored
    // (inverted) samples c, k: nk = k and C = 255 - c.
    const int64_t count = int64_t(h.width) * h.height;
    for (int64_t i = 0; i < count; ++i) {
      const uint8_t* p = px + 4 * i;
      uint8_t* o = px + 3 * i;  // in place: the write never overtakes the read
      const int nk = p[3];
      uint8_t rgb[3];
      for (int c = 0; c < 3; ++c) {
        const int tmp = (255 - p[c]) * nk + 128;
        const int v = nk - (((tmp >> 8) + tmp) >> 8);
        rgb[c] = static_cast<uint8_t>(std::clamp(v, 0, 255));
      }
      o[0] = rgb[0];
      o[1] = rgb[1];
      o[2] = rgb[2];
    }
    src_c = 3;
  }
  auto out = to_chw(px, h.height, h.width, src_c, mode);
  return exif ? apply_orientation(out, layout.orientation) : out;
}

// ----- PNG ------------------------------------------------------------------------------------------------------

// Plain data shared with libpng's callbacks: the input, the read position and the last error message.
struct PngIo {
  const uint8_t* data;
  size_t size;
  size_t pos;
  char message[512];
};

extern "C" void srn_png_read_cb(png_structp png, png_bytep out, size_t n) {
  auto* io = static_cast<PngIo*>(png_get_io_ptr(png));
  if (n > io->size - io->pos) {
    std::snprintf(io->message, sizeof io->message,
                  "truncated PNG data: %zu more bytes needed at byte %zu, but the data ends at byte %zu", n, io->pos,
                  io->size);
    png_longjmp(png, 1);
  }
  std::memcpy(out, io->data + io->pos, n);
  io->pos += n;
}

extern "C" void srn_png_error_cb(png_structp png, png_const_charp msg) {
  auto* io = static_cast<PngIo*>(png_get_error_ptr(png));
  std::snprintf(io->message, sizeof io->message, "%s", msg != nullptr ? msg : "libpng error");
  png_longjmp(png, 1);
}

extern "C" void srn_png_warning_cb(png_structp, png_const_charp) {}  // e.g. "iCCP: known incorrect sRGB profile"

struct PngHeader {
  uint32_t width, height;
  int bit_depth;    // stored
  int color_type;   // stored
  int out_depth;    // after the expansions: 8 or 16
  int out_channels; // after the expansions: 1..4
  size_t rowbytes;
  int orientation;
};

// Only plain-data locals: libpng may longjmp back into this frame.
int png_stage_info(png_structp png, png_infop info, PngHeader* h, int headers_only) {
  if (setjmp(png_jmpbuf(png))) return -1;
  png_read_info(png, info);
  h->width = png_get_image_width(png, info);
  h->height = png_get_image_height(png, info);
  h->bit_depth = png_get_bit_depth(png, info);
  h->color_type = png_get_color_type(png, info);
  h->orientation = 1;
  png_uint_32 exif_len = 0;
  png_bytep exif = nullptr;
  if (png_get_eXIf_1(png, info, &exif_len, &exif) != 0 && exif != nullptr) {
    h->orientation = exif_orientation(exif, exif_len);
  }
  // Palette -> RGB, gray 1/2/4 bits -> 8 (scaled by 255, 85, 17: Pillow's "1", "L;2", "L;4"), tRNS -> alpha.
  if (h->color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (h->color_type == PNG_COLOR_TYPE_GRAY && h->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS) != 0) png_set_tRNS_to_alpha(png);
  if (!headers_only) png_set_interlace_handling(png);
  png_read_update_info(png, info);
  h->out_depth = png_get_bit_depth(png, info);
  h->out_channels = png_get_channels(png, info);
  h->rowbytes = png_get_rowbytes(png, info);
  return 0;
}

int png_stage_pixels(png_structp png, png_infop info, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return -1;
  png_read_image(png, rows);
  png_read_end(png, info);  // reads to IEND: a file cut after the pixel data is still truncated
  return 0;
}

struct PngRead {
  PngIo io{};
  png_structp png = nullptr;
  png_infop info = nullptr;
  PngRead(const uint8_t* d, size_t n) {
    io.data = d;
    io.size = n;
    io.pos = 0;
    io.message[0] = '\0';
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &io, srn_png_error_cb, srn_png_warning_cb);
    if (png == nullptr) throw std::bad_alloc();
    info = png_create_info_struct(png);
    if (info == nullptr) {
      png_destroy_read_struct(&png, nullptr, nullptr);
      throw std::bad_alloc();
    }
    png_set_read_fn(png, &io, srn_png_read_cb);
  }
  ~PngRead() { png_destroy_read_struct(&png, &info, nullptr); }
  PngRead(const PngRead&) = delete;
  PngRead& operator=(const PngRead&) = delete;

  [[noreturn]] void fail() const {
    const std::string msg = io.message;
    if (msg.rfind("truncated", 0) == 0) throw data_error(msg);
    throw data_error("corrupt PNG data: " + msg + " (libpng, at byte " + std::to_string(io.pos) + ")");
  }

  PngHeader header(bool headers_only) {
    PngHeader h{};
    if (png_stage_info(png, info, &h, headers_only ? 1 : 0) != 0) fail();
    check_pixels("PNG", h.width, h.height);
    return h;
  }
};

at::Tensor decode_png(const uint8_t* d, size_t n, int mode, bool exif) {
  PngRead r(d, n);
  PngHeader h = r.header(false);
  const int64_t height = h.height, width = h.width;
  const int c = h.out_channels;
  const size_t expected_row = size_t(width) * c * (h.out_depth / 8);
  if (h.rowbytes != expected_row || (h.out_depth != 8 && h.out_depth != 16) || c < 1 || c > 4) {
    throw data_error("unsupported PNG layout (bit depth " + std::to_string(h.bit_depth) + ", color type " +
                     std::to_string(h.color_type) + ")");
  }
  auto buffer = at::empty({height, static_cast<int64_t>(h.rowbytes)}, at::TensorOptions().dtype(at::kByte));
  uint8_t* px = buffer.data_ptr<uint8_t>();
  std::vector<png_bytep> rows(static_cast<size_t>(height));
  for (int64_t y = 0; y < height; ++y) rows[y] = px + y * h.rowbytes;
  if (png_stage_pixels(r.png, r.info, rows.data()) != 0) r.fail();
  // eXIf may also follow the image data; png_read_end has read it into info.
  png_uint_32 exif_len = 0;
  png_bytep exif_data = nullptr;
  if (h.orientation == 1 && png_get_eXIf_1(r.png, r.info, &exif_len, &exif_data) != 0 && exif_data != nullptr) {
    h.orientation = exif_orientation(exif_data, exif_len);
  }
  if (h.out_depth == 16) {
    // Pillow's 16-bit readings: RGB, RGBA and gray+alpha keep the high byte ("RGB;16B", "RGBA;16B", "LA;16B");
    // plain grayscale opens as mode "I" ("I;16B") and convert('L'/'RGB') clips it to 0..255.
    const bool clip_gray = h.color_type == PNG_COLOR_TYPE_GRAY;
    const int64_t samples = height * width * c;
    for (int64_t i = 0; i < samples; ++i) {
      const uint8_t hi = px[2 * i], lo = px[2 * i + 1];
      px[i] = (clip_gray && i % c == 0) ? (hi != 0 ? 255 : lo) : hi;
    }
  }
  auto out = to_chw(px, height, width, c, mode);
  return exif ? apply_orientation(out, h.orientation) : out;
}

// Growable output buffer for the PNG writer: plain data, realloc'd in the callback (no C++ allocation there).
struct PngOut {
  uint8_t* data;
  size_t size;
  size_t capacity;
  char message[512];
};

extern "C" void srn_png_write_cb(png_structp png, png_bytep in, size_t n) {
  auto* out = static_cast<PngOut*>(png_get_io_ptr(png));
  if (n > out->capacity - out->size) {
    size_t cap = std::max<size_t>(out->capacity * 2, 1 << 16);
    while (cap - out->size < n) cap *= 2;
    auto* grown = static_cast<uint8_t*>(std::realloc(out->data, cap));
    if (grown == nullptr) png_error(png, "out of memory");
    out->data = grown;
    out->capacity = cap;
  }
  std::memcpy(out->data + out->size, in, n);
  out->size += n;
}

extern "C" void srn_png_flush_cb(png_structp) {}

int png_stage_write(png_structp png, png_infop info, uint32_t width, uint32_t height, int color_type, int level,
                    png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return -1;
  png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, level);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, info);
  return 0;
}

struct PngWrite {
  PngOut out{};
  png_structp png = nullptr;
  png_infop info = nullptr;
  PngWrite() {
    out.message[0] = '\0';
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &out, srn_png_error_cb, srn_png_warning_cb);
    if (png == nullptr) throw std::bad_alloc();
    info = png_create_info_struct(png);
    if (info == nullptr) {
      png_destroy_write_struct(&png, nullptr);
      throw std::bad_alloc();
    }
    png_set_write_fn(png, &out, srn_png_write_cb, srn_png_flush_cb);
  }
  ~PngWrite() {
    png_destroy_write_struct(&png, &info);
    std::free(out.data);
  }
  PngWrite(const PngWrite&) = delete;
  PngWrite& operator=(const PngWrite&) = delete;
};

at::Tensor encode_png(const at::Tensor& image, int level) {
  if (image.scalar_type() != at::kByte) {
    throw std::invalid_argument(std::string("PNG encoding needs a uint8 image, got ") + c10::toString(image.scalar_type()));
  }
  if (image.dim() != 3 || image.size(0) < 1 || image.size(0) > 4) {
    throw std::invalid_argument("PNG encoding needs an image [C, H, W] with C = 1 (gray), 2 (gray+alpha), 3 (RGB) or "
                                "4 (RGBA), got shape " + c10::str(image.sizes()));
  }
  const int64_t c = image.size(0), height = image.size(1), width = image.size(2);
  if (height < 1 || width < 1 || height > 0x7FFFFFFF || width > 0x7FFFFFFF) {
    throw std::invalid_argument("PNG encoding needs 1 <= H, W <= 2^31 - 1, got shape " + c10::str(image.sizes()));
  }
  if (level < 0 || level > 9) throw std::invalid_argument("PNG compression level must be 0..9, got " + std::to_string(level));
  at::Tensor hwc;
  {
    at::NoGradGuard no_grad;
    hwc = image.detach().to(at::kCPU).permute({1, 2, 0}).contiguous();
  }
  uint8_t* px = hwc.data_ptr<uint8_t>();
  std::vector<png_bytep> rows(static_cast<size_t>(height));
  for (int64_t y = 0; y < height; ++y) rows[y] = px + y * width * c;
  static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                     PNG_COLOR_TYPE_RGB_ALPHA};
  PngWrite w;
  if (png_stage_write(w.png, w.info, static_cast<uint32_t>(width), static_cast<uint32_t>(height),
                      color_types[c], level, rows.data()) != 0) {
    throw std::runtime_error(std::string("PNG encoding failed: ") + w.out.message);
  }
  auto out = at::empty({static_cast<int64_t>(w.out.size)}, at::TensorOptions().dtype(at::kByte));
  std::memcpy(out.data_ptr<uint8_t>(), w.out.data, w.out.size);
  return out;
}

void check_input(const uint8_t* data, int64_t size) {
  if (size < 0) throw std::invalid_argument("negative image data size");
  if (size > 0 && data == nullptr) throw std::invalid_argument("null image data");
}

int check_mode(int32_t mode) {
  if (mode != SRN_IMAGE_MODE_UNCHANGED && mode != SRN_IMAGE_MODE_GRAY && mode != SRN_IMAGE_MODE_RGB) {
    throw std::invalid_argument("image mode must be 0 (unchanged), 1 (gray) or 3 (RGB), got " + std::to_string(mode));
  }
  return mode;
}

}  // namespace

extern "C" {

srn_tensor srn_image_decode(const uint8_t* data, int64_t size, int32_t mode, int32_t apply_exif_orientation) {
  SRN_TENSOR(
      check_input(data, size);
      const int m = check_mode(mode);
      const size_t n = static_cast<size_t>(size);
      switch (detect_format(data, n)) {
        case kFormatJpeg: return decode_jpeg(data, n, m, apply_exif_orientation != 0);
        case kFormatPng: return decode_png(data, n, m, apply_exif_orientation != 0);
        default: throw_unknown_format(data, n);
      })
}

int32_t srn_image_info(const uint8_t* data, int64_t size, int64_t* out, int32_t capacity) {
  SRN_STATUS(
      check_input(data, size);
      if (out == nullptr || capacity < 5) throw std::invalid_argument("srn_image_info needs room for 5 values");
      const size_t n = static_cast<size_t>(size);
      const int format = detect_format(data, n);
      if (format == kFormatJpeg) {
        TjHandle tj;
        const JpegHeader h = read_jpeg_header(tj, data, n);
        out[0] = kFormatJpeg;
        out[1] = h.width;
        out[2] = h.height;
        out[3] = h.colorspace == TJCS_GRAY ? 1 : 3;
        out[4] = walk_jpeg(data, n, /*headers_only=*/true).orientation;
      } else if (format == kFormatPng) {
        PngRead r(data, n);
        const PngHeader h = r.header(true);
        out[0] = kFormatPng;
        out[1] = h.width;
        out[2] = h.height;
        out[3] = h.out_channels;
        out[4] = h.orientation;
      } else {
        throw_unknown_format(data, n);
      })
}

srn_tensor srn_image_encode_png(srn_tensor image, int32_t compression_level) {
  SRN_TENSOR(return encode_png(srn::tensor_of(image), compression_level);)
}

}  // extern "C"
