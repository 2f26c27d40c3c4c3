// Image resampling for Srn.Vision: the antialiased bilinear and bicubic interpolation that
// torch.nn.functional.interpolate(..., antialias=True) runs, and through it torchvision's tensor resize.
#include "common.h"

using srn::tensor_of;

namespace {

at::Tensor interpolate_antialias(const at::Tensor& x, const int64_t* size, double scale_h, double scale_w,
                                 int32_t mode, int32_t align_corners) {
  if (mode != 1 && mode != 2) {
    throw std::invalid_argument("interpolate: the anti-alias option is only supported for the bilinear (1) and bicubic (2) modes, got mode " +
                                std::to_string(mode));
  }
  if (x.dim() != 4) {
    throw std::invalid_argument("interpolate: anti-aliasing expects a 4-d input (N, C, H, W), got shape " +
                                c10::str(x.sizes()));
  }
  if (!x.is_floating_point()) {
    throw std::invalid_argument(std::string("interpolate: anti-aliasing expects a floating-point input, got ") +
                                c10::toString(x.scalar_type()));
  }
  std::vector<int64_t> output_size;  // empty: none
  std::vector<double> scales;         // empty: none
  if (size != nullptr) {
    if (size[0] <= 0 || size[1] <= 0) {
      throw std::invalid_argument("interpolate: the output size must be positive, got (" + std::to_string(size[0]) +
                                  ", " + std::to_string(size[1]) + ")");
    }
    output_size = {size[0], size[1]};
  } else {
    if (!(scale_h > 0.0 && scale_w > 0.0)) {
      throw std::invalid_argument("interpolate: either size or a positive scale_factor must be given");
    }
    scales = {scale_h, scale_w};
  }
  at::OptionalIntArrayRef osize;
  if (!output_size.empty()) osize = at::IntArrayRef(output_size);
  c10::optional<at::ArrayRef<double>> sf;
  if (!scales.empty()) sf = at::ArrayRef<double>(scales);
  const bool corners = align_corners > 0;
  return mode == 1 ? at::_upsample_bilinear2d_aa(x, osize, corners, sf)
                   : at::_upsample_bicubic2d_aa(x, osize, corners, sf);
}

}  // namespace

extern "C" {

srn_tensor srn_interpolate_antialias(srn_tensor input, const int64_t* size, double scale_h, double scale_w,
                                     int32_t mode, int32_t align_corners) {
  SRN_TENSOR(return interpolate_antialias(tensor_of(input), size, scale_h, scale_w, mode, align_corners);)
}

}  // extern "C"
