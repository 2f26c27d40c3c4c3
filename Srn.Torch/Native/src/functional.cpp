// torch.nn.functional layers: convolution, normalisation, pooling, linear, dropout, resampling,
// padding, similarity and one-hot. Each export calls the ATen function PyTorch's Python wrapper
// calls, after the same argument handling that wrapper does.
#include "common.h"

using srn::optional_tensor;
using srn::tensor_of;

namespace {

// A (h, w) pair passed as two int64 values.
at::IntArrayRef pair_of(const int64_t* values, const char* what) {
  if (values == nullptr) throw std::invalid_argument(std::string(what) + " must be given as an (h, w) pair");
  return at::IntArrayRef(values, 2);
}

// An optional (h, w) pair: NULL gives the empty list ATen reads as "default".
at::IntArrayRef optional_pair_of(const int64_t* values) {
  return values == nullptr ? at::IntArrayRef() : at::IntArrayRef(values, 2);
}

void require_dim(const at::Tensor& x, int64_t lo, int64_t hi, const char* op) {
  const auto d = x.dim();
  if (d < lo || d > hi) {
    const std::string expected =
        lo == hi ? std::to_string(lo) + "-d" : std::to_string(lo) + "-d or " + std::to_string(hi) + "-d";
    throw std::invalid_argument(std::string(op) + ": expected a " + expected + " input, got " + std::to_string(d) +
                                "-d input of shape " + c10::str(x.sizes()));
  }
}

// PyTorch's _list_with_default: a negative (None) output size keeps the input's size.
std::vector<int64_t> adaptive_size(const at::Tensor& x, const int64_t* output_size, const char* op) {
  require_dim(x, 3, 4, op);
  auto s = pair_of(output_size, "output_size");
  std::vector<int64_t> out(s.begin(), s.end());
  for (size_t i = 0; i < 2; ++i) {
    if (out[i] < 0) out[i] = x.size(x.dim() - 2 + static_cast<int64_t>(i));
  }
  return out;
}

// F.batch_norm's _verify_batch_size: training needs more than one value per channel.
void verify_batch_size(const at::Tensor& x) {
  if (x.dim() < 2) {
    throw std::invalid_argument("batch_norm: expected an input of at least 2 dimensions (N, C, ...), got shape " +
                                c10::str(x.sizes()));
  }
  int64_t per_channel = x.size(0);
  for (int64_t d = 2; d < x.dim(); ++d) per_channel *= x.size(d);
  if (per_channel == 1) {
    throw std::invalid_argument("batch_norm: expected more than 1 value per channel when training, got input size " +
                                c10::str(x.sizes()));
  }
}

std::vector<at::Tensor> pair_list(std::tuple<at::Tensor, at::Tensor> r) {
  std::vector<at::Tensor> v;
  v.push_back(std::move(std::get<0>(r)));
  v.push_back(std::move(std::get<1>(r)));
  return v;
}

at::Tensor interpolate(const at::Tensor& x, const int64_t* size, double scale_h, double scale_w, int32_t mode,
                       int32_t align_corners, int32_t recompute_scale_factor) {
  if (mode < 0 || mode > 4) throw std::invalid_argument("interpolate: invalid mode " + std::to_string(mode));
  const bool interpolating = mode == 1 || mode == 2;
  if (!interpolating && align_corners >= 0) {
    throw std::invalid_argument(
        "interpolate: align_corners can only be set with the interpolating modes bilinear and bicubic");
  }
  if (x.dim() != 4) {
    throw std::invalid_argument("interpolate: expected a 4-d input (N, C, H, W), got shape " + c10::str(x.sizes()));
  }
  std::vector<int64_t> output_size;  // empty: none
  std::vector<double> scales;         // empty: none
  if (size != nullptr) {
    if (recompute_scale_factor != 0) {
      throw std::invalid_argument("interpolate: recompute_scale_factor is not meaningful with an explicit size");
    }
    output_size = {size[0], size[1]};
  } else {
    if (!(scale_h > 0.0 && scale_w > 0.0)) {
      throw std::invalid_argument("interpolate: either size or a positive scale_factor must be given");
    }
    scales = {scale_h, scale_w};
  }
  // 'area' always works from an output size, as F.interpolate does.
  if (recompute_scale_factor != 0 || (mode == 3 && output_size.empty())) {
    output_size = {static_cast<int64_t>(std::floor(static_cast<double>(x.size(2)) * scale_h)),
                   static_cast<int64_t>(std::floor(static_cast<double>(x.size(3)) * scale_w))};
    scales.clear();
  }
  at::OptionalIntArrayRef osize;
  if (!output_size.empty()) osize = at::IntArrayRef(output_size);
  c10::optional<at::ArrayRef<double>> sf;
  if (!scales.empty()) sf = at::ArrayRef<double>(scales);
  const bool corners = align_corners > 0;
  switch (mode) {
    case 0: return at::upsample_nearest2d(x, osize, sf);
    case 1: return at::upsample_bilinear2d(x, osize, corners, sf);
    case 2: return at::upsample_bicubic2d(x, osize, corners, sf);
    case 3: return at::adaptive_avg_pool2d(x, output_size);
    default: return at::_upsample_nearest_exact2d(x, osize, sf);
  }
}

}  // namespace

extern "C" {

srn_tensor srn_conv2d(srn_tensor input, srn_tensor weight, srn_tensor bias, const int64_t* stride,
                      const int64_t* padding, const int64_t* dilation, int64_t groups) {
  SRN_TENSOR(return at::conv2d(tensor_of(input), tensor_of(weight), optional_tensor(bias), pair_of(stride, "stride"),
                               pair_of(padding, "padding"), pair_of(dilation, "dilation"), groups);)
}

srn_tensor srn_batch_norm(srn_tensor input, srn_tensor running_mean, srn_tensor running_var, srn_tensor weight,
                          srn_tensor bias, int32_t training, double momentum, double eps) {
  SRN_TENSOR(const auto& x = tensor_of(input);
             if (training != 0) verify_batch_size(x);
             return at::batch_norm(x, optional_tensor(weight), optional_tensor(bias), optional_tensor(running_mean),
                                   optional_tensor(running_var), training != 0, momentum, eps, true);)
}

srn_tensor srn_layer_norm(srn_tensor input, const int64_t* normalized_shape, int32_t ndim, srn_tensor weight,
                          srn_tensor bias, double eps) {
  SRN_TENSOR(return at::layer_norm(tensor_of(input), srn::int_array(normalized_shape, ndim), optional_tensor(weight),
                                   optional_tensor(bias), eps, true);)
}

srn_tensor srn_max_pool2d(srn_tensor input, const int64_t* kernel_size, const int64_t* stride, const int64_t* padding,
                          const int64_t* dilation, int32_t ceil_mode) {
  SRN_TENSOR(return at::max_pool2d(tensor_of(input), pair_of(kernel_size, "kernel_size"), optional_pair_of(stride),
                                   pair_of(padding, "padding"), pair_of(dilation, "dilation"), ceil_mode != 0);)
}

srn_tensor_list srn_max_pool2d_with_indices(srn_tensor input, const int64_t* kernel_size, const int64_t* stride,
                                            const int64_t* padding, const int64_t* dilation, int32_t ceil_mode) {
  SRN_LIST(auto r = at::max_pool2d_with_indices(tensor_of(input), pair_of(kernel_size, "kernel_size"),
                                                optional_pair_of(stride), pair_of(padding, "padding"),
                                                pair_of(dilation, "dilation"), ceil_mode != 0);
           return pair_list(std::move(r));)
}

srn_tensor srn_avg_pool2d(srn_tensor input, const int64_t* kernel_size, const int64_t* stride, const int64_t* padding,
                          int32_t ceil_mode, int32_t count_include_pad, int64_t divisor_override) {
  SRN_TENSOR(c10::optional<int64_t> divisor;
             if (divisor_override != 0) divisor = divisor_override;
             return at::avg_pool2d(tensor_of(input), pair_of(kernel_size, "kernel_size"), optional_pair_of(stride),
                                   pair_of(padding, "padding"), ceil_mode != 0, count_include_pad != 0, divisor);)
}

srn_tensor srn_adaptive_avg_pool2d(srn_tensor input, const int64_t* output_size) {
  SRN_TENSOR(const auto& x = tensor_of(input);
             return at::adaptive_avg_pool2d(x, adaptive_size(x, output_size, "adaptive_avg_pool2d"));)
}

srn_tensor_list srn_adaptive_max_pool2d(srn_tensor input, const int64_t* output_size) {
  SRN_LIST(const auto& x = tensor_of(input);
           auto r = at::adaptive_max_pool2d(x, adaptive_size(x, output_size, "adaptive_max_pool2d"));
           return pair_list(std::move(r));)
}

srn_tensor srn_linear(srn_tensor input, srn_tensor weight, srn_tensor bias) {
  SRN_TENSOR(return at::linear(tensor_of(input), tensor_of(weight), optional_tensor(bias));)
}

srn_tensor srn_dropout(srn_tensor input, double p, int32_t training) {
  SRN_TENSOR(if (!(p >= 0.0 && p <= 1.0)) {
               throw std::invalid_argument("dropout probability has to be between 0 and 1, but got " +
                                           std::to_string(p));
             }
             return at::dropout(tensor_of(input), p, training != 0);)
}

srn_tensor srn_interpolate(srn_tensor input, const int64_t* size, double scale_h, double scale_w, int32_t mode,
                           int32_t align_corners, int32_t recompute_scale_factor) {
  SRN_TENSOR(return interpolate(tensor_of(input), size, scale_h, scale_w, mode, align_corners, recompute_scale_factor);)
}

srn_tensor srn_grid_sample(srn_tensor input, srn_tensor grid, int32_t mode, int32_t padding_mode,
                           int32_t align_corners) {
  SRN_TENSOR(if (mode < 0 || mode > 2) {
               throw std::invalid_argument("grid_sample: mode must be 0 (bilinear), 1 (nearest) or 2 (bicubic), got " +
                                           std::to_string(mode));
             }
             if (padding_mode < 0 || padding_mode > 2) {
               throw std::invalid_argument(
                   "grid_sample: padding_mode must be 0 (zeros), 1 (border) or 2 (reflection), got " +
                   std::to_string(padding_mode));
             }
             return at::grid_sampler(tensor_of(input), tensor_of(grid), mode, padding_mode, align_corners != 0);)
}

srn_tensor srn_pad(srn_tensor input, const int64_t* pad, int32_t npad, int32_t mode, double value) {
  SRN_TENSOR(const auto p = srn::int_array(pad, npad);
             switch (mode) {
               case 0: return at::pad(tensor_of(input), p, "constant", value);
               case 1: return at::pad(tensor_of(input), p, "reflect", c10::nullopt);
               case 2: return at::pad(tensor_of(input), p, "replicate", c10::nullopt);
               case 3: return at::pad(tensor_of(input), p, "circular", c10::nullopt);
               default: throw std::invalid_argument("pad: invalid mode " + std::to_string(mode));
             })
}

srn_tensor srn_cosine_similarity(srn_tensor x1, srn_tensor x2, int64_t dim, double eps) {
  SRN_TENSOR(return at::cosine_similarity(tensor_of(x1), tensor_of(x2), dim, eps);)
}

srn_tensor srn_normalize(srn_tensor input, double p, int64_t dim, double eps) {
  // F.normalize: input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
  SRN_TENSOR(const auto& x = tensor_of(input);
             const int64_t dims[1] = {dim};
             auto denom = at::norm(x, at::Scalar(p), at::IntArrayRef(dims, 1), true).clamp_min(eps).expand_as(x);
             return x / denom;)
}

srn_tensor srn_one_hot(srn_tensor input, int64_t num_classes) {
  SRN_TENSOR(return at::one_hot(tensor_of(input), num_classes);)
}

}  // extern "C"
