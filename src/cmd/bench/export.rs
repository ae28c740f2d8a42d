//! `squall bench export`: the board's picture, SVG and PNG, on a large board.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use squall_export::picture;

use super::{BOLD, generate};
use crate::Outcome;

/// What drawing the default board as SVG and PNG should take at most.
const TARGET: Duration = Duration::from_secs(1);

/// Time `squall export --to svg` and `--to png` on a generated board.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Time drawing a generated board as SVG and as PNG, what `squall export --to svg` \
        and `--to png` and the app's export buttons do, without reading or writing files.\n\n\
        The board is the one `squall bench check` generates. The first PNG also finds the \
        system's fonts, once per process. Build in release mode for meaningful numbers.",
    after_help = "Examples:\n  \
        cargo run --release -- bench export\n  \
        squall bench export --elements 10000 --connections 20000 --runs 3 --save /tmp/big.png"
)]
pub struct ExportArgs {
    /// Elements on the generated board.
    #[arg(long, default_value_t = 2_000, value_name = "N")]
    pub elements: usize,

    /// Connections on the generated board.
    #[arg(long, default_value_t = 4_000, value_name = "N")]
    pub connections: usize,

    /// How many times to draw it.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,

    /// PNG pixels per board pixel (a large board is drawn smaller, as `squall export` does).
    #[arg(long, default_value_t = 2.0, value_name = "N")]
    pub scale: f32,

    /// Also save the last PNG to FILE (and the SVG beside it), to look at.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

struct Timing {
    svg: Duration,
    png: Duration,
}

pub fn run(args: &ExportArgs) -> anyhow::Result<Outcome> {
    let board = generate::board(args.elements, args.connections);
    let mut timings = Vec::new();
    let mut last = (String::new(), Vec::new());
    for _ in 0..args.runs {
        let started = Instant::now();
        let svg = picture::svg(&board);
        let drawn = started.elapsed();
        let png = picture::png(&board, args.scale).context("cannot draw the board as a PNG")?;
        timings.push(Timing { svg: drawn, png: started.elapsed() - drawn });
        last = (svg, png);
    }
    let (svg, png) = last;
    if let Some(file) = &args.save {
        squall_model::write_atomically(file, &png)?;
        squall_model::write_atomically(&file.with_extension("svg"), svg.as_bytes())?;
    }
    let mut out = anstream::stdout().lock();
    print(&mut out, args, &svg, &png, &timings).context("cannot write to stdout")?;
    Ok(Outcome::Fine)
}

fn print(
    out: &mut impl Write,
    args: &ExportArgs,
    svg: &str,
    png: &[u8],
    timings: &[Timing],
) -> std::io::Result<()> {
    writeln!(
        out,
        "{BOLD}squall export --to svg, --to png{BOLD:#} on a generated board: {} elements, {} connections",
        args.elements, args.connections
    )?;
    let (width, height) = png_size(png);
    writeln!(
        out,
        "SVG {:.1} MiB; PNG {width} x {height} pixels, {:.1} MiB",
        svg.len() as f64 / (1024.0 * 1024.0),
        png.len() as f64 / (1024.0 * 1024.0)
    )?;
    let parts =
        [("svg", timings.iter().map(|t| t.svg).collect()), ("png", timings.iter().map(|t| t.png).collect())];
    super::timing_table(out, parts, TARGET)
}

/// A PNG's width and height, from its header (zero for anything shorter).
fn png_size(png: &[u8]) -> (u32, u32) {
    let field = |at: usize| png.get(at..at + 4).and_then(|b| b.try_into().ok()).map_or(0, u32::from_be_bytes);
    (field(16), field(20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_size_is_read_from_its_header() {
        let board = generate::board(30, 40);
        let png = picture::png(&board, 1.0).unwrap();
        let (width, height) = png_size(&png);
        assert!(width > 100 && height > 100, "{width} x {height}");
        assert_eq!(png_size(b"short"), (0, 0));
    }
}
