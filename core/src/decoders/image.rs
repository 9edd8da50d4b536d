//! Image payloads (cameras, thumbnails, QR codes): recognised by their
//! signature only when a rule or the user asks for the image view, decoded
//! with hard limits so a hostile header cannot claim gigabytes.

use std::io::Cursor;

/// Largest width or height decoded.
pub const MAX_IMAGE_SIDE: u32 = 8_192;
/// Most bytes the decoder may allocate for one image.
pub const MAX_IMAGE_ALLOCATION: u64 = 256 * 1024 * 1024;

/// An image format recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF (the first frame is shown).
    Gif,
    /// WebP.
    WebP,
    /// BMP.
    Bmp,
}

impl ImageKind {
    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Gif => "GIF",
            Self::WebP => "WebP",
            Self::Bmp => "BMP",
        }
    }

    fn format(self) -> image::ImageFormat {
        match self {
            Self::Png => image::ImageFormat::Png,
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Gif => image::ImageFormat::Gif,
            Self::WebP => image::ImageFormat::WebP,
            Self::Bmp => image::ImageFormat::Bmp,
        }
    }
}

/// The format `bytes` start like, if any.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::WebP)
    } else if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        Some(ImageKind::Bmp)
    } else {
        None
    }
}

/// A decoded image: 8-bit RGBA rows, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    /// Its format.
    pub kind: ImageKind,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub pixels: Vec<u8>,
}

/// Decodes an image payload within the limits; the error says why not.
pub fn decode_rgba(bytes: &[u8]) -> Result<RgbaImage, String> {
    let kind = sniff(bytes).ok_or_else(|| "no PNG, JPEG, GIF, WebP or BMP signature at byte 0".to_owned())?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOCATION);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|error| format!("{} image: {error}", kind.label()))?;
    let rgba = decoded.into_rgba8();
    Ok(RgbaImage { kind, width: rgba.width(), height: rgba.height(), pixels: rgba.into_raw() })
}
