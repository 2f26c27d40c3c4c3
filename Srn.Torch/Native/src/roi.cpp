// RoI pooling for KD-WSD (WSDDN's region features): torchvision.ops.roi_pool and torchvision.ops.roi_align.
//
// ATen has no RoI op, so this file is the second exception to "the shim never implements a kernel": on CPU tensors
// (float32 / float64) the ops run the C++ kernels below, which do torchvision's CPU arithmetic in torchvision's order
// (same sample positions, same rounding, same accumulation order), wrapped in torch::autograd::Function nodes for
// their gradients. On any other device (CUDA, ...) they run a composite of ATen ops that autograd differentiates by
// itself: RoIAlign as two small interpolation matrices per box applied with matmul, RoIPool as a masked max over rows
// then columns. The tests run the composite on CPU too (impl = 1) against the same fixtures.
#include "common.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

using srn::tensor_of;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

// The composite path processes boxes in chunks so that no intermediate holds many more elements than this.
constexpr int64_t kCompositeBudget = int64_t{1} << 26;

// "(b, x1, y1, x2, y2)" of one box, for messages.
std::string box_text(const at::Tensor& rois, int64_t row) {
  const auto r = rois[row].to(at::kCPU, at::kDouble).contiguous();
  const double* v = r.data_ptr<double>();
  return "(" + c10::str(v[0]) + ", " + c10::str(v[1]) + ", " + c10::str(v[2]) + ", " + c10::str(v[3]) + ", " +
         c10::str(v[4]) + ")";
}

// Checks the shapes, dtypes, devices, sizes and scale both ops share. Every failure names the op and what is wrong.
void check_args(const at::Tensor& input, const at::Tensor& boxes, int64_t output_h, int64_t output_w,
                double spatial_scale, const std::string& op) {
  if (input.dim() != 4) {
    throw std::invalid_argument(op + ": expected an input of shape [N, C, H, W], got shape " + c10::str(input.sizes()));
  }
  if (input.size(2) == 0 || input.size(3) == 0) {
    throw std::invalid_argument(op + ": the input's height and width must be positive, got shape " +
                                c10::str(input.sizes()));
  }
  if (!input.is_floating_point()) {
    throw std::invalid_argument(op + ": expected a floating-point input, got " + c10::toString(input.scalar_type()));
  }
  if (boxes.dim() != 2 || boxes.size(1) != 5) {
    throw std::invalid_argument(op + ": expected boxes of shape [K, 5] (batch index, x1, y1, x2, y2), got shape " +
                                c10::str(boxes.sizes()));
  }
  if (!boxes.is_floating_point()) {
    throw std::invalid_argument(op + ": expected floating-point boxes, got " + c10::toString(boxes.scalar_type()));
  }
  if (boxes.device() != input.device()) {
    throw std::invalid_argument(op + ": the boxes are on " + c10::str(boxes.device()) + " but the input is on " +
                                c10::str(input.device()));
  }
  if (output_h <= 0 || output_w <= 0) {
    throw std::invalid_argument(op + ": the output size must be positive, got (" + std::to_string(output_h) + ", " +
                                std::to_string(output_w) + ")");
  }
  if (!(std::isfinite(spatial_scale) && spatial_scale > 0)) {
    throw std::invalid_argument(op + ": spatial_scale must be positive and finite, got " + c10::str(spatial_scale));
  }
}

// The boxes detached (no gradient flows to boxes, as in torchvision), in the input's dtype and contiguous, after
// checking their values: integer batch indices in range and finite coordinates.
at::Tensor checked_rois(const at::Tensor& input, const at::Tensor& boxes, const std::string& op) {
  at::NoGradGuard no_grad;
  auto rois = boxes.detach().to(input.scalar_type()).contiguous();
  if (rois.size(0) == 0) return rois;
  const int64_t n = input.size(0);
  const auto index = rois.select(1, 0);
  // NaN fails the integer test (NaN != NaN), so it is reported here too.
  const auto bad_index = (index < 0) | (index >= n) | (index != index.trunc());
  if (bad_index.any().item<bool>()) {
    const auto row = bad_index.nonzero()[0][0].item<int64_t>();
    throw std::invalid_argument(op + ": box " + std::to_string(row) + " has batch index " +
                                c10::str(index[row].item<double>()) + ", but the input holds " + std::to_string(n) +
                                " image(s): a batch index must be an integer in [0, " + std::to_string(n) + ")");
  }
  const auto bad_coords = rois.narrow(1, 1, 4).isfinite().logical_not().any(1);
  if (bad_coords.any().item<bool>()) {
    const auto row = bad_coords.nonzero()[0][0].item<int64_t>();
    throw std::invalid_argument(op + ": box " + std::to_string(row) + " " + box_text(rois, row) +
                                " has a non-finite coordinate (x1, y1, x2, y2 must be finite numbers)");
  }
  return rois;
}

void require_kernel_dtype(const at::Tensor& input, const std::string& op) {
  const auto t = input.scalar_type();
  if (t != at::kFloat && t != at::kDouble) {
    throw std::invalid_argument(op + ": the CPU kernel supports float32 and float64 inputs, got " +
                                c10::toString(t) + "; convert the input first");
  }
}

// ----- RoIAlign: CPU kernel ---------------------------------------------------------------------------------------

// One bilinear sample: the offsets of its four neighbours in an H x W plane and their weights.
template <typename T>
struct Sample {
  int64_t p1, p2, p3, p4;
  T w1, w2, w3, w4;
};

// torchvision's rule: a sample more than one cell outside the map contributes nothing (zero weights); one less than a
// cell outside reads the border (it is clamped), not zero padding.
template <typename T>
Sample<T> bilinear_sample(int64_t height, int64_t width, T y, T x) {
  if (y < -1.0 || y > height || x < -1.0 || x > width) return {0, 0, 0, 0, T(0), T(0), T(0), T(0)};
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  auto y_low = static_cast<int64_t>(y);
  auto x_low = static_cast<int64_t>(x);
  int64_t y_high;
  int64_t x_high;
  if (y_low >= height - 1) {
    y_high = y_low = height - 1;
    y = static_cast<T>(y_low);
  } else {
    y_high = y_low + 1;
  }
  if (x_low >= width - 1) {
    x_high = x_low = width - 1;
    x = static_cast<T>(x_low);
  } else {
    x_high = x_low + 1;
  }
  const T ly = y - static_cast<T>(y_low);
  const T lx = x - static_cast<T>(x_low);
  const T hy = T(1) - ly;
  const T hx = T(1) - lx;
  return {y_low * width + x_low, y_low * width + x_high, y_high * width + x_low, y_high * width + x_high,
          hy * hx,               hy * lx,               ly * hx,                ly * lx};
}

// A box's sampling geometry, in input cells. The expressions (and their order) are torchvision's.
template <typename T>
struct AlignGeometry {
  int64_t batch;
  T start_h, start_w, bin_h, bin_w;
  int64_t grid_h, grid_w;  // samples per bin along each side; <= 0 (an empty adaptive grid) means none
  T count;                 // the divisor: grid_h * grid_w, at least 1

  AlignGeometry(const T* roi, T scale, int64_t pooled_h, int64_t pooled_w, int64_t sampling_ratio, bool aligned) {
    const T offset = aligned ? T(0.5) : T(0);
    batch = static_cast<int64_t>(roi[0]);
    start_w = roi[1] * scale - offset;
    start_h = roi[2] * scale - offset;
    const T end_w = roi[3] * scale - offset;
    const T end_h = roi[4] * scale - offset;
    T roi_w = end_w - start_w;
    T roi_h = end_h - start_h;
    if (!aligned) {  // the legacy behaviour forces malformed boxes to 1x1 cells
      roi_w = std::max(roi_w, T(1));
      roi_h = std::max(roi_h, T(1));
    }
    bin_h = roi_h / static_cast<T>(pooled_h);
    bin_w = roi_w / static_cast<T>(pooled_w);
    grid_h = sampling_ratio > 0 ? sampling_ratio : static_cast<int64_t>(std::ceil(roi_h / static_cast<T>(pooled_h)));
    grid_w = sampling_ratio > 0 ? sampling_ratio : static_cast<int64_t>(std::ceil(roi_w / static_cast<T>(pooled_w)));
    count = static_cast<T>(std::max<int64_t>(grid_h * grid_w, 1));
  }

  T y(int64_t ph, int64_t iy) const {
    return start_h + static_cast<T>(ph) * bin_h + static_cast<T>(iy + .5f) * bin_h / static_cast<T>(grid_h);
  }
  T x(int64_t pw, int64_t ix) const {
    return start_w + static_cast<T>(pw) * bin_w + static_cast<T>(ix + .5f) * bin_w / static_cast<T>(grid_w);
  }

  // Every sample of every bin in (ph, pw, iy, ix) order.
  void samples(int64_t height, int64_t width, int64_t pooled_h, int64_t pooled_w, std::vector<Sample<T>>& out) const {
    out.clear();
    for (int64_t ph = 0; ph < pooled_h; ++ph) {
      for (int64_t pw = 0; pw < pooled_w; ++pw) {
        for (int64_t iy = 0; iy < grid_h; ++iy) {
          const T yy = y(ph, iy);
          for (int64_t ix = 0; ix < grid_w; ++ix) out.push_back(bilinear_sample(height, width, yy, x(pw, ix)));
        }
      }
    }
  }

  int64_t per_bin() const { return std::max<int64_t>(grid_h, 0) * std::max<int64_t>(grid_w, 0); }
};

struct AlignParams {
  int64_t pooled_h, pooled_w;
  double spatial_scale;
  int64_t sampling_ratio;
  bool aligned;
};

template <typename T>
void roi_align_forward_kernel(const at::Tensor& input, const at::Tensor& rois, const AlignParams& p, at::Tensor& out) {
  const int64_t channels = input.size(1), height = input.size(2), width = input.size(3);
  const int64_t bins = p.pooled_h * p.pooled_w;
  const T* x = input.data_ptr<T>();
  const T* r = rois.data_ptr<T>();
  T* o = out.data_ptr<T>();
  const T scale = static_cast<T>(p.spatial_scale);
  // Boxes are independent: each writes its own output rows.
  at::parallel_for(0, rois.size(0), 1, [&](int64_t begin, int64_t end) {
    std::vector<Sample<T>> samples;
    for (int64_t k = begin; k < end; ++k) {
      const AlignGeometry<T> g(r + 5 * k, scale, p.pooled_h, p.pooled_w, p.sampling_ratio, p.aligned);
      g.samples(height, width, p.pooled_h, p.pooled_w, samples);
      const int64_t per_bin = g.per_bin();
      for (int64_t c = 0; c < channels; ++c) {
        const T* plane = x + (g.batch * channels + c) * height * width;
        T* dst = o + (k * channels + c) * bins;
        const Sample<T>* s = samples.data();
        for (int64_t bin = 0; bin < bins; ++bin) {
          T v = 0;
          for (int64_t j = 0; j < per_bin; ++j, ++s) {
            v += s->w1 * plane[s->p1] + s->w2 * plane[s->p2] + s->w3 * plane[s->p3] + s->w4 * plane[s->p4];
          }
          dst[bin] = v / g.count;
        }
      }
    }
  });
}

template <typename T>
void roi_align_backward_kernel(const at::Tensor& grad, const at::Tensor& rois, const AlignParams& p,
                               at::Tensor& grad_input) {
  const int64_t channels = grad_input.size(1), height = grad_input.size(2), width = grad_input.size(3);
  const int64_t bins = p.pooled_h * p.pooled_w;
  const int64_t n_rois = rois.size(0);
  const T* go = grad.data_ptr<T>();
  const T* r = rois.data_ptr<T>();
  T* gi = grad_input.data_ptr<T>();
  const T scale = static_cast<T>(p.spatial_scale);
  // Boxes of one image scatter into the same planes, so the work is split by channel: each plane is written by one
  // thread, boxes in order, which keeps the sums deterministic and in torchvision's order.
  at::parallel_for(0, channels, 1, [&](int64_t begin, int64_t end) {
    std::vector<Sample<T>> samples;
    for (int64_t k = 0; k < n_rois; ++k) {
      const AlignGeometry<T> g(r + 5 * k, scale, p.pooled_h, p.pooled_w, p.sampling_ratio, p.aligned);
      g.samples(height, width, p.pooled_h, p.pooled_w, samples);
      const int64_t per_bin = g.per_bin();
      for (int64_t c = begin; c < end; ++c) {
        T* plane = gi + (g.batch * channels + c) * height * width;
        const T* src = go + (k * channels + c) * bins;
        const Sample<T>* s = samples.data();
        for (int64_t bin = 0; bin < bins; ++bin) {
          const T gb = src[bin];
          for (int64_t j = 0; j < per_bin; ++j, ++s) {
            plane[s->p1] += gb * s->w1 / g.count;
            plane[s->p2] += gb * s->w2 / g.count;
            plane[s->p3] += gb * s->w3 / g.count;
            plane[s->p4] += gb * s->w4 / g.count;
          }
        }
      }
    }
  });
}

at::Tensor roi_align_forward_cpu(const at::Tensor& input, const at::Tensor& rois, const AlignParams& p) {
  const auto x = input.contiguous();
  auto out = at::empty({rois.size(0), x.size(1), p.pooled_h, p.pooled_w}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "roi_align", [&] { roi_align_forward_kernel<scalar_t>(x, rois, p, out); });
  return out;
}

at::Tensor roi_align_backward_cpu(const at::Tensor& grad, const at::Tensor& rois, at::IntArrayRef input_shape,
                                  const AlignParams& p) {
  const auto g = grad.contiguous();
  auto grad_input = at::zeros(input_shape, g.options());
  AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "roi_align_backward",
                             [&] { roi_align_backward_kernel<scalar_t>(g, rois, p, grad_input); });
  return grad_input;
}

AlignParams align_params_of(AutogradContext* ctx) {
  return {ctx->saved_data["pooled_h"].toInt(), ctx->saved_data["pooled_w"].toInt(),
          ctx->saved_data["spatial_scale"].toDouble(), ctx->saved_data["sampling_ratio"].toInt(),
          ctx->saved_data["aligned"].toBool()};
}

void save_align_params(AutogradContext* ctx, const AlignParams& p) {
  ctx->saved_data["pooled_h"] = p.pooled_h;
  ctx->saved_data["pooled_w"] = p.pooled_w;
  ctx->saved_data["spatial_scale"] = p.spatial_scale;
  ctx->saved_data["sampling_ratio"] = p.sampling_ratio;
  ctx->saved_data["aligned"] = p.aligned;
}

// The gradient of RoIAlign as a node of its own, so that differentiating the gradient again (create_graph) fails with
// a message instead of silently giving zeros. torchvision does not provide second derivatives either.
struct RoIAlignBackwardFunction : torch::autograd::Function<RoIAlignBackwardFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& grad, const at::Tensor& rois,
                            std::vector<int64_t> input_shape, int64_t pooled_h, int64_t pooled_w, double spatial_scale,
                            int64_t sampling_ratio, bool aligned) {
    return roi_align_backward_cpu(grad, rois, input_shape,
                                  {pooled_h, pooled_w, spatial_scale, sampling_ratio, aligned});
  }
  static variable_list backward(AutogradContext*, variable_list) {
    throw std::runtime_error("roi_align: the second derivative (double backward) is not supported");
  }
};

struct RoIAlignFunction : torch::autograd::Function<RoIAlignFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& rois, int64_t pooled_h,
                            int64_t pooled_w, double spatial_scale, int64_t sampling_ratio, bool aligned) {
    const AlignParams p{pooled_h, pooled_w, spatial_scale, sampling_ratio, aligned};
    ctx->save_for_backward({rois});
    ctx->saved_data["input_shape"] = input.sizes().vec();
    save_align_params(ctx, p);
    return roi_align_forward_cpu(input, rois, p);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto rois = ctx->get_saved_variables()[0];
    const auto p = align_params_of(ctx);
    auto grad_input = RoIAlignBackwardFunction::apply(grads[0], rois, ctx->saved_data["input_shape"].toIntVector(),
                                                      p.pooled_h, p.pooled_w, p.spatial_scale, p.sampling_ratio,
                                                      p.aligned);
    return {grad_input, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// ----- RoIPool: CPU kernel ----------------------------------------------------------------------------------------

// torchvision's std::round (half away from zero), clamped so that absurd coordinates cannot overflow the integer.
template <typename T>
int64_t rounded_cell(T v) {
  return static_cast<int64_t>(std::min(std::max(std::round(v), T(-1e15)), T(1e15)));
}

template <typename T>
void roi_pool_forward_kernel(const at::Tensor& input, const at::Tensor& rois, int64_t pooled_h, int64_t pooled_w,
                             double spatial_scale, at::Tensor& out, at::Tensor& argmax) {
  const int64_t channels = input.size(1), height = input.size(2), width = input.size(3);
  const int64_t bins = pooled_h * pooled_w;
  const T* x = input.data_ptr<T>();
  const T* r = rois.data_ptr<T>();
  T* o = out.data_ptr<T>();
  int64_t* a = argmax.data_ptr<int64_t>();
  const T scale = static_cast<T>(spatial_scale);
  at::parallel_for(0, rois.size(0), 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const T* roi = r + 5 * k;
      const auto batch = static_cast<int64_t>(roi[0]);
      const int64_t start_w = rounded_cell<T>(roi[1] * scale);
      const int64_t start_h = rounded_cell<T>(roi[2] * scale);
      const int64_t end_w = rounded_cell<T>(roi[3] * scale);
      const int64_t end_h = rounded_cell<T>(roi[4] * scale);
      // Malformed (inverted) boxes become one cell, as in torchvision.
      const int64_t roi_w = std::max<int64_t>(end_w - start_w + 1, 1);
      const int64_t roi_h = std::max<int64_t>(end_h - start_h + 1, 1);
      const T bin_h = static_cast<T>(roi_h) / static_cast<T>(pooled_h);
      const T bin_w = static_cast<T>(roi_w) / static_cast<T>(pooled_w);
      for (int64_t ph = 0; ph < pooled_h; ++ph) {
        for (int64_t pw = 0; pw < pooled_w; ++pw) {
          // Bin edges relative to the box, then clipped to the map.
          auto hstart = static_cast<int64_t>(std::floor(static_cast<T>(ph) * bin_h));
          auto wstart = static_cast<int64_t>(std::floor(static_cast<T>(pw) * bin_w));
          auto hend = static_cast<int64_t>(std::ceil(static_cast<T>(ph + 1) * bin_h));
          auto wend = static_cast<int64_t>(std::ceil(static_cast<T>(pw + 1) * bin_w));
          hstart = std::min(std::max<int64_t>(hstart + start_h, 0), height);
          hend = std::min(std::max<int64_t>(hend + start_h, 0), height);
          wstart = std::min(std::max<int64_t>(wstart + start_w, 0), width);
          wend = std::min(std::max<int64_t>(wend + start_w, 0), width);
          const bool empty = hend <= hstart || wend <= wstart;
          for (int64_t c = 0; c < channels; ++c) {
            const T* plane = x + (batch * channels + c) * height * width;
            // An empty bin gives 0 and no gradient (argmax -1); otherwise the first maximum in row-major order wins.
            T best = empty ? T(0) : T(-FLT_MAX);
            int64_t best_at = -1;
            for (int64_t h = hstart; h < hend; ++h) {
              for (int64_t w = wstart; w < wend; ++w) {
                const int64_t idx = h * width + w;
                if (plane[idx] > best) {
                  best = plane[idx];
                  best_at = idx;
                }
              }
            }
            const int64_t dst = (k * channels + c) * bins + ph * pooled_w + pw;
            o[dst] = best;
            a[dst] = best_at;
          }
        }
      }
    }
  });
}

template <typename T>
void roi_pool_backward_kernel(const at::Tensor& grad, const at::Tensor& rois, const at::Tensor& argmax,
                              at::Tensor& grad_input) {
  const int64_t channels = grad_input.size(1), plane_size = grad_input.size(2) * grad_input.size(3);
  const int64_t bins = grad.size(2) * grad.size(3);
  const int64_t n_rois = rois.size(0);
  const T* go = grad.data_ptr<T>();
  const T* r = rois.data_ptr<T>();
  const int64_t* a = argmax.data_ptr<int64_t>();
  T* gi = grad_input.data_ptr<T>();
  // Split by channel, as RoIAlign's backward: one writer per plane, boxes in order.
  at::parallel_for(0, channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t k = 0; k < n_rois; ++k) {
      const auto batch = static_cast<int64_t>(r[5 * k]);
      for (int64_t c = begin; c < end; ++c) {
        T* plane = gi + (batch * channels + c) * plane_size;
        const int64_t off = (k * channels + c) * bins;
        for (int64_t bin = 0; bin < bins; ++bin) {
          const int64_t idx = a[off + bin];
          if (idx >= 0) plane[idx] += go[off + bin];
        }
      }
    }
  });
}

struct RoIPoolBackwardFunction : torch::autograd::Function<RoIPoolBackwardFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& grad, const at::Tensor& rois,
                            const at::Tensor& argmax, std::vector<int64_t> input_shape) {
    const auto g = grad.contiguous();
    auto grad_input = at::zeros(input_shape, g.options());
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "roi_pool_backward",
                               [&] { roi_pool_backward_kernel<scalar_t>(g, rois, argmax, grad_input); });
    return grad_input;
  }
  static variable_list backward(AutogradContext*, variable_list) {
    throw std::runtime_error("roi_pool: the second derivative (double backward) is not supported");
  }
};

struct RoIPoolFunction : torch::autograd::Function<RoIPoolFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& rois, int64_t pooled_h,
                            int64_t pooled_w, double spatial_scale) {
    const auto x = input.contiguous();
    auto out = at::empty({rois.size(0), x.size(1), pooled_h, pooled_w}, x.options());
    auto argmax = at::empty(out.sizes(), x.options().dtype(at::kLong));
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "roi_pool", [&] {
      roi_pool_forward_kernel<scalar_t>(x, rois, pooled_h, pooled_w, spatial_scale, out, argmax);
    });
    ctx->save_for_backward({rois, argmax});
    ctx->saved_data["input_shape"] = input.sizes().vec();
    return out;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto grad_input =
        RoIPoolBackwardFunction::apply(grads[0], saved[0], saved[1], ctx->saved_data["input_shape"].toIntVector());
    return {grad_input, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// ----- composites of ATen ops (any device) ------------------------------------------------------------------------

// Boxes per chunk so that a chunk's largest intermediate (per_box elements a box) stays near the budget.
int64_t chunk_of(int64_t per_box) { return std::max<int64_t>(1, kCompositeBudget / std::max<int64_t>(per_box, 1)); }

// Runs piece(start, length) over the boxes in chunks and concatenates the results. K = 0 still runs one empty piece,
// so the (empty) output stays connected to the input in the autograd graph.
template <typename F>
at::Tensor by_chunks(int64_t n_rois, int64_t chunk, F piece) {
  std::vector<at::Tensor> parts;
  int64_t start = 0;
  do {
    const int64_t len = std::min(chunk, n_rois - start);
    parts.push_back(piece(start, len));
    start += len;
  } while (start < n_rois);
  return parts.size() == 1 ? parts[0] : at::cat(parts, 0);
}

// RoIAlign along one axis as a matrix [K, pooled, length]: entry (k, p, l) is the sum, over the samples of bin p, of
// the bilinear weight they put on cell l. Bilinear weights factor into a y part and an x part (and a sample outside
// the map is outside along y or along x), so a box's output is My [pooled_h, H] @ X [H, W] @ Mx^T [W, pooled_w],
// divided by the sample count. The sample positions are the CPU kernel's, computed in the input's dtype.
at::Tensor align_axis_matrix(const at::Tensor& start, const at::Tensor& bin, const at::Tensor& grid, int64_t pooled,
                             int64_t length) {
  const int64_t k = start.size(0);
  const auto opts = start.options();
  const int64_t max_grid = k == 0 ? 1 : std::max<int64_t>(grid.max().item<int64_t>(), 1);
  const auto p = at::arange(pooled, opts).view({1, pooled, 1});
  const auto i = at::arange(max_grid, opts).view({1, 1, max_grid});
  const auto b = bin.view({k, 1, 1});
  const auto g = grid.view({k, 1, 1});
  auto s = start.view({k, 1, 1}) + p * b + (i + 0.5) * b / g.to(opts.dtype());
  // Samples beyond the box's own grid (an adaptive grid smaller than the largest; their position may be inf or NaN)
  // and samples more than a cell outside the map weigh nothing; the rest are clamped to the border.
  const auto valid = (i < g).logical_and((s < -1.0).logical_or(s > static_cast<double>(length)).logical_not());
  s = at::where(valid, s, at::zeros({}, opts)).clamp_min(0);
  const auto low = s.floor().clamp_max(static_cast<double>(length - 1)).to(at::kLong);
  const auto at_end = low >= length - 1;
  const auto high = at::where(at_end, low, low + 1);
  const auto frac = at::where(at_end, at::zeros({}, opts), s - low.to(opts.dtype()));
  const auto zero = at::zeros({}, opts);
  const auto l = at::where(valid, frac, zero);
  const auto h = at::where(valid, 1.0 - frac, zero);
  auto m = at::zeros({k, pooled, length}, opts);
  m.scatter_add_(2, low, h);
  m.scatter_add_(2, high, l);
  return m;
}

at::Tensor roi_align_composite(const at::Tensor& input, const at::Tensor& rois, const AlignParams& p) {
  const int64_t n_rois = rois.size(0), channels = input.size(1), height = input.size(2), width = input.size(3);
  at::Tensor batch, my, mx, count;
  {
    at::NoGradGuard no_grad;  // the weights depend on the boxes only, which get no gradient
    const double offset = p.aligned ? 0.5 : 0.0;
    batch = rois.select(1, 0).to(at::kLong);
    // The scale is applied in the input's dtype, as the kernel does.
    const auto scale = at::scalar_tensor(p.spatial_scale, rois.options());
    const auto start_w = rois.select(1, 1) * scale - offset;
    const auto start_h = rois.select(1, 2) * scale - offset;
    auto roi_w = (rois.select(1, 3) * scale - offset) - start_w;
    auto roi_h = (rois.select(1, 4) * scale - offset) - start_h;
    if (!p.aligned) {
      roi_w = roi_w.clamp_min(1);
      roi_h = roi_h.clamp_min(1);
    }
    const auto bin_h = roi_h / static_cast<double>(p.pooled_h);
    const auto bin_w = roi_w / static_cast<double>(p.pooled_w);
    const auto grid_of = [&](const at::Tensor& size, int64_t pooled) {
      return p.sampling_ratio > 0 ? at::full({n_rois}, p.sampling_ratio, rois.options().dtype(at::kLong))
                                  : (size / static_cast<double>(pooled)).ceil().to(at::kLong);
    };
    const auto grid_h = grid_of(roi_h, p.pooled_h);
    const auto grid_w = grid_of(roi_w, p.pooled_w);
    count = (grid_h * grid_w).clamp_min(1).to(input.scalar_type()).view({n_rois, 1, 1, 1});
    my = align_axis_matrix(start_h, bin_h, grid_h, p.pooled_h, height);
    mx = align_axis_matrix(start_w, bin_w, grid_w, p.pooled_w, width).transpose(1, 2);
  }
  const int64_t per_box = channels * height * width + channels * std::max(p.pooled_h * width, height * p.pooled_w);
  return by_chunks(n_rois, chunk_of(per_box), [&](int64_t start, int64_t len) {
    const auto x = input.index_select(0, batch.narrow(0, start, len));  // [k, C, H, W]
    const auto a = my.narrow(0, start, len).unsqueeze(1);               // [k, 1, PH, H]
    const auto b = mx.narrow(0, start, len).unsqueeze(1);               // [k, 1, W, PW]
    // Contract in the order whose intermediate is the smaller.
    const auto y = p.pooled_h * width <= height * p.pooled_w ? at::matmul(at::matmul(a, x), b)
                                                             : at::matmul(a, at::matmul(x, b));
    return y / count.narrow(0, start, len);
  });
}

// std::round's half-away-from-zero, which ATen's round (half to even) is not: t + sign(v) when |v - t| >= 0.5, with
// t = trunc(v) (v - t is exact, so no sum can round across the half).
at::Tensor round_half_away(const at::Tensor& v) {
  const auto t = v.trunc();
  return at::where((v - t).abs() >= 0.5, t + v.sign(), t);
}

at::Tensor roi_pool_composite(const at::Tensor& input, const at::Tensor& rois, int64_t pooled_h, int64_t pooled_w,
                              double spatial_scale) {
  const int64_t n_rois = rois.size(0), channels = input.size(1), height = input.size(2), width = input.size(3);
  at::Tensor batch, mask_h, mask_w, empty;
  {
    at::NoGradGuard no_grad;
    batch = rois.select(1, 0).to(at::kLong);
    const auto scale = at::scalar_tensor(spatial_scale, rois.options());
    const auto cell = [&](int64_t col) {
      return round_half_away(rois.select(1, col) * scale).clamp(-1e15, 1e15).to(at::kLong);
    };
    const auto start_w = cell(1), start_h = cell(2), end_w = cell(3), end_h = cell(4);
    // Bin edges [start, end) per box and bin, clipped to the map: [K, pooled].
    const auto edges = [&](const at::Tensor& first, const at::Tensor& last, int64_t pooled, int64_t length) {
      const auto size = (last - first + 1).clamp_min(1).to(input.scalar_type());
      const auto bin = (size / static_cast<double>(pooled)).view({n_rois, 1});
      const auto i = at::arange(pooled, rois.options()).view({1, pooled});
      const auto lo = (i * bin).floor().to(at::kLong) + first.view({n_rois, 1});
      const auto hi = ((i + 1) * bin).ceil().to(at::kLong) + first.view({n_rois, 1});
      return std::make_pair(lo.clamp(0, length), hi.clamp(0, length));
    };
    const auto [hs, he] = edges(start_h, end_h, pooled_h, height);
    const auto [ws, we] = edges(start_w, end_w, pooled_w, width);
    const auto rows = at::arange(height, batch.options()).view({1, 1, height});
    const auto cols = at::arange(width, batch.options()).view({1, 1, width});
    mask_h = (rows >= hs.unsqueeze(2)).logical_and(rows < he.unsqueeze(2));  // [K, PH, H]
    mask_w = (cols >= ws.unsqueeze(2)).logical_and(cols < we.unsqueeze(2));  // [K, PW, W]
    empty = (he <= hs).unsqueeze(2).logical_or((we <= ws).unsqueeze(1));     // [K, PH, PW]
  }
  const auto neg_inf = -std::numeric_limits<double>::infinity();
  const int64_t per_box = channels * (height * pooled_w * width + pooled_h * pooled_w * height);
  return by_chunks(n_rois, chunk_of(per_box), [&](int64_t start, int64_t len) {
    const auto x = input.index_select(0, batch.narrow(0, start, len));  // [k, C, H, W]
    // The max over a bin's columns, for every row: [k, C, H, PW]; then over its rows: [k, C, PH, PW]. max(dim) keeps
    // the first maximum on ties, so the gradient goes where the kernel's does (first in row-major order).
    const auto mw = mask_w.narrow(0, start, len).view({len, 1, 1, pooled_w, width});
    const auto by_row = std::get<0>(at::where(mw, x.unsqueeze(3), neg_inf).max(-1));
    const auto mh = mask_h.narrow(0, start, len).view({len, 1, pooled_h, 1, height});
    const auto pooled = std::get<0>(at::where(mh, by_row.transpose(2, 3).unsqueeze(2), neg_inf).max(-1));
    return at::where(empty.narrow(0, start, len).unsqueeze(1), at::zeros({}, pooled.options()), pooled);
  });
}

// impl: 0 = the kernel on CPU, the composite elsewhere; 1 = the composite everywhere.
bool use_kernel(const at::Tensor& input, int32_t impl, const std::string& op) {
  if (impl != 0 && impl != 1) throw std::invalid_argument(op + ": impl must be 0 (auto) or 1 (composite), got " +
                                                          std::to_string(impl));
  if (impl == 1 || !input.device().is_cpu()) return false;
  require_kernel_dtype(input, op);
  return true;
}

at::Tensor roi_pool(const at::Tensor& input, const at::Tensor& boxes, int64_t output_h, int64_t output_w,
                    double spatial_scale, int32_t impl) {
  const std::string op = "roi_pool";
  check_args(input, boxes, output_h, output_w, spatial_scale, op);
  const bool kernel = use_kernel(input, impl, op);
  const auto rois = checked_rois(input, boxes, op);
  if (kernel) return RoIPoolFunction::apply(input, rois, output_h, output_w, spatial_scale);
  return roi_pool_composite(input, rois, output_h, output_w, spatial_scale);
}

at::Tensor roi_align(const at::Tensor& input, const at::Tensor& boxes, int64_t output_h, int64_t output_w,
                     double spatial_scale, int64_t sampling_ratio, bool aligned, int32_t impl) {
  const std::string op = "roi_align";
  check_args(input, boxes, output_h, output_w, spatial_scale, op);
  const bool kernel = use_kernel(input, impl, op);
  const auto rois = checked_rois(input, boxes, op);
  if (kernel) {
    return RoIAlignFunction::apply(input, rois, output_h, output_w, spatial_scale, sampling_ratio, aligned);
  }
  return roi_align_composite(input, rois, {output_h, output_w, spatial_scale, sampling_ratio, aligned});
}

}  // namespace

extern "C" {

srn_tensor srn_roi_pool(srn_tensor input, srn_tensor boxes, int64_t output_h, int64_t output_w, double spatial_scale,
                        int32_t impl) {
  SRN_TENSOR(return roi_pool(tensor_of(input), tensor_of(boxes), output_h, output_w, spatial_scale, impl);)
}

srn_tensor srn_roi_align(srn_tensor input, srn_tensor boxes, int64_t output_h, int64_t output_w, double spatial_scale,
                         int64_t sampling_ratio, int32_t aligned, int32_t impl) {
  SRN_TENSOR(return roi_align(tensor_of(input), tensor_of(boxes), output_h, output_w, spatial_scale, sampling_ratio,
                              aligned != 0, impl);)
}

}  // extern "C"
