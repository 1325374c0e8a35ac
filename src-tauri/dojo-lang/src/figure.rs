//! What a program's `matplotlib.pyplot` calls describe: figures of axes
//! holding lines, points, bars and images, as plain data.
//!
//! The interpreter does not draw; when the program shows or saves a
//! figure (`plt.show()`, `plt.savefig(...)`), the host gets the
//! [`Figure`] through [`crate::Interpreter::set_figure_sink`] and draws
//! it (Dojo's engine renders it with plotters).

/// A colour as red, green, blue.
pub type Rgb = [u8; 3];

/// One figure as the program left it when it showed or saved it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// matplotlib's figure number, from 1 in a run.
    pub number: u32,
    /// `plt.suptitle(...)` / `fig.suptitle(...)`.
    pub title: Option<String>,
    /// `figsize` in inches (matplotlib's default is 6.4 x 4.8).
    pub size_inches: (f64, f64),
    pub axes: Vec<Axes>,
    /// The file name `savefig` was given (its last path component), if
    /// the figure was saved rather than shown.
    pub file_name: Option<String>,
}

/// matplotlib's default figure size, in inches.
pub const DEFAULT_SIZE_INCHES: (f64, f64) = (6.4, 4.8);

/// One plotting area of a figure: where it sits in a grid of `rows` x
/// `cols` cells (`slot` counts from 0, row by row, as `subplot`'s index
/// counts from 1) and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Axes {
    pub rows: usize,
    pub cols: usize,
    pub slot: usize,
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub x_limits: Option<(f64, f64)>,
    pub y_limits: Option<(f64, f64)>,
    /// A logarithmic axis (`semilogx`, `xscale('log')`).
    pub log_x: bool,
    pub log_y: bool,
    /// `grid(True)`.
    pub grid: bool,
    /// `legend()` was called: labelled series get a legend.
    pub legend: bool,
    /// `axis('off')`: no frame, ticks or labels.
    pub hidden: bool,
    pub series: Vec<Series>,
    pub image: Option<Image>,
}

impl Axes {
    /// An empty area in cell `slot` of a `rows` x `cols` grid.
    pub fn new(rows: usize, cols: usize, slot: usize) -> Axes {
        Axes {
            rows,
            cols,
            slot,
            title: None,
            x_label: None,
            y_label: None,
            x_limits: None,
            y_limits: None,
            log_x: false,
            log_y: false,
            grid: false,
            legend: false,
            hidden: false,
            series: Vec::new(),
            image: None,
        }
    }

    /// Whether anything was drawn or written on it.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty() && self.image.is_none() && self.title.is_none()
    }
}

/// One data series: `x[i]` against `y[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub label: Option<String>,
    /// `None`: the next colour of matplotlib's default cycle.
    pub color: Option<Rgb>,
    pub style: Style,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Style {
    /// A line, with or without a marker at each point.
    Line { dash: Dash, markers: bool },
    /// Markers only (`scatter`, `plot(x, y, 'o')`).
    Points,
    /// Bars centred on `x` (`bar`, `hist`), `width` in data units.
    Bars { width: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// An image (`imshow`), as 8-bit RGB, row by row from the top.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

/// matplotlib's default colour cycle (`tab10`, `C0` to `C9`).
pub const COLOR_CYCLE: [Rgb; 10] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0x7f, 0x7f, 0x7f],
    [0xbc, 0xbd, 0x22],
    [0x17, 0xbe, 0xcf],
];

/// A matplotlib colour spec: a one-letter code (`'r'`), a name
/// (`'orange'`), `'C3'`, or `'#rrggbb'`.
pub fn parse_color(spec: &str) -> Option<Rgb> {
    let spec = spec.trim().to_ascii_lowercase();
    if let Some(hex) = spec.strip_prefix('#') {
        let hex = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect::<String>(),
            6 | 8 => hex[..6].to_owned(),
            _ => return None,
        };
        let byte = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
        return Some([byte(0)?, byte(2)?, byte(4)?]);
    }
    if let Some(index) = spec.strip_prefix('c')
        && let Ok(index) = index.parse::<usize>()
    {
        return Some(COLOR_CYCLE[index % COLOR_CYCLE.len()]);
    }
    if let Some(name) = spec.strip_prefix("tab:") {
        let names = [
            "blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan",
        ];
        let index = names.iter().position(|known| *known == name)?;
        return Some(COLOR_CYCLE[index]);
    }
    Some(match spec.as_str() {
        "b" | "blue" => [0, 0, 255],
        "g" | "green" => [0, 128, 0],
        "r" | "red" => [255, 0, 0],
        "c" | "cyan" => [0, 191, 191],
        "m" | "magenta" => [191, 0, 191],
        "y" | "yellow" => [191, 191, 0],
        "k" | "black" => [0, 0, 0],
        "w" | "white" => [255, 255, 255],
        "orange" => [255, 165, 0],
        "purple" => [128, 0, 128],
        "brown" => [165, 42, 42],
        "pink" => [255, 192, 203],
        "gray" | "grey" => [128, 128, 128],
        "olive" => [128, 128, 0],
        "navy" => [0, 0, 128],
        "teal" => [0, 128, 128],
        "lime" => [0, 255, 0],
        "gold" => [255, 215, 0],
        "darkblue" => [0, 0, 139],
        "darkgreen" => [0, 100, 0],
        "darkred" => [139, 0, 0],
        "lightblue" => [173, 216, 230],
        "skyblue" => [135, 206, 235],
        "salmon" => [250, 128, 114],
        _ => return None,
    })
}

/// A matplotlib format string (`'r--'`, `'bo'`, `'-'`, `'.'`): its colour
/// and style, or `None` when it is not one.
pub fn parse_format(format: &str) -> Option<(Option<Rgb>, Style)> {
    let mut color = None;
    let mut dash = None;
    let mut markers = false;
    let mut rest = format;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("--") {
            dash = Some(Dash::Dashed);
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix("-.") {
            dash = Some(Dash::Dashed);
            rest = tail;
        } else {
            let c = rest.chars().next()?;
            match c {
                '-' => dash = Some(Dash::Solid),
                ':' => dash = Some(Dash::Dotted),
                '.' | ',' | 'o' | 'x' | '+' | '^' | 'v' | '<' | '>' | 's' | '*' | 'd' | 'D'
                | 'p' | 'h' | 'H' | '|' | '_' | '1' | '2' | '3' | '4' | '8' | 'P' | 'X' => {
                    markers = true
                }
                'b' | 'g' | 'r' | 'c' | 'm' | 'y' | 'k' | 'w' => {
                    color = parse_color(&c.to_string())
                }
                _ => return None,
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    let style = match (dash, markers) {
        (None, true) => Style::Points,
        (dash, markers) => Style::Line {
            dash: dash.unwrap_or(Dash::Solid),
            markers,
        },
    };
    Some((color, style))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_strings_read_as_matplotlib_reads_them() {
        assert_eq!(
            parse_format("r--"),
            Some((
                Some([255, 0, 0]),
                Style::Line {
                    dash: Dash::Dashed,
                    markers: false
                }
            ))
        );
        assert_eq!(parse_format("bo"), Some((Some([0, 0, 255]), Style::Points)));
        assert_eq!(
            parse_format("-"),
            Some((
                None,
                Style::Line {
                    dash: Dash::Solid,
                    markers: false
                }
            ))
        );
        assert_eq!(parse_format("loss"), None);
        assert_eq!(parse_color("C1"), Some(COLOR_CYCLE[1]));
        assert_eq!(parse_color("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_color("tab:orange"), Some(COLOR_CYCLE[1]));
        assert_eq!(parse_color("no such colour"), None);
    }
}
