//! The board as a picture: plain SVG, and PNG rasterised from it.
