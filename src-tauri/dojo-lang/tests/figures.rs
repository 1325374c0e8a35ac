//! `matplotlib.pyplot` records what exam files draw, and `show()` /
//! `savefig()` hand the figures to the host. The calls below are the
//! shapes of the exam's own helpers (`plot_series`, the learning-rate
//! sweep's `semilogx` + `axis`, `subplots` grids, `imshow` of an image).

use std::cell::RefCell;
use std::rc::Rc;

use dojo_lang::figure::{COLOR_CYCLE, Dash, Figure, Style};
use dojo_lang::{Interpreter, Limits, SourceFile};

/// The figures `source` shows or saves, and what it prints.
fn figures(source: &str) -> (Vec<Figure>, String) {
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let mut interpreter = Interpreter::new(Limits::default(), move |text| {
        sink.borrow_mut().push_str(text)
    });
    let shown = Rc::new(RefCell::new(Vec::new()));
    let collected = Rc::clone(&shown);
    interpreter.set_figure_sink(move |figure| collected.borrow_mut().push(figure));
    let parsed = dojo_lang::parse(source);
    let ran = interpreter.run(&parsed.module);
    let file = SourceFile::new("figures.py", source);
    assert!(
        ran.is_ok(),
        "{}",
        ran.err().map(|e| e.render(&file)).unwrap_or_default()
    );
    (shown.take(), printed.take())
}

#[test]
fn shown_and_saved_figures_reach_the_host_with_what_was_drawn() {
    let (figures, printed) = figures(
        r#"
import matplotlib.pyplot as plt
import numpy as np

def plot_series(time, series, format="-", start=0, end=None):
    plt.plot(time[start:end], series[start:end], format)
    plt.xlabel("Time")
    plt.ylabel("Value")
    plt.grid(True)

time = np.arange(10)
series = time * 2.0
plt.figure(figsize=(10, 6))
plot_series(time, series)
plot_series(time, series + 1, start=5)
plt.title("series")
plt.show()

lrs = 1e-8 * (10 ** (np.arange(5) / 20))
plt.semilogx(lrs, [5.0, 4.0, 3.0, 2.0, 1.0])
plt.axis([1e-8, 1e-4, 0, 30])
plt.show()

fig, axs = plt.subplots(2, 2, figsize=(8, 8))
axs[0, 1].plot([1, 2, 3], 'r--', label='loss')
axs[0, 1].plot([3, 2, 1], color='C1')
axs[0, 1].legend()
axs[1][0].set_title("mae")
for ax in axs.flatten():
    ax.grid(True)
fig.suptitle("curves")
fig.savefig("out/curves.png")
plt.show()

plt.imshow(np.zeros((4, 6)), cmap='gray')
plt.axis('Off')
plt.legend(['a'])
plt.show()

try:
    plt.plot([1, 2], [1, 2, 3])
except ValueError as error:
    print(error)
plt.close('all')
plt.show()
print("done")
"#,
    );
    assert_eq!(
        printed,
        "x and y must have same first dimension, but have shapes (2,) and (3,)\ndone\n"
    );
    // Four figures: the saved grid is not drawn again by the next show().
    assert_eq!(figures.len(), 4, "{figures:#?}");

    let series = &figures[0];
    assert_eq!((series.number, series.size_inches), (1, (10.0, 6.0)));
    let axes = &series.axes[0];
    assert_eq!(axes.title.as_deref(), Some("series"));
    assert_eq!(
        (axes.x_label.as_deref(), axes.y_label.as_deref()),
        (Some("Time"), Some("Value"))
    );
    assert!(axes.grid && !axes.log_x);
    assert_eq!(axes.series.len(), 2);
    assert_eq!(
        axes.series[0].y,
        (0..10).map(|t| f64::from(t) * 2.0).collect::<Vec<_>>()
    );
    // `start=5` sliced both arrays.
    assert_eq!(axes.series[1].x, vec![5.0, 6.0, 7.0, 8.0, 9.0]);
    assert_eq!(axes.series[1].y[0], 11.0);

    let sweep = &figures[1].axes[0];
    assert!(sweep.log_x && !sweep.log_y);
    assert_eq!(sweep.x_limits, Some((1e-8, 1e-4)));
    assert_eq!(sweep.y_limits, Some((0.0, 30.0)));

    let grid = &figures[2];
    assert_eq!(grid.title.as_deref(), Some("curves"));
    assert_eq!(grid.file_name.as_deref(), Some("curves.png"));
    assert_eq!(grid.axes.len(), 4);
    assert!(
        grid.axes
            .iter()
            .all(|axes| axes.grid && (axes.rows, axes.cols) == (2, 2))
    );
    let curves = &grid.axes[1];
    assert!(curves.legend);
    assert_eq!(curves.series[0].label.as_deref(), Some("loss"));
    assert_eq!(curves.series[0].color, Some([255, 0, 0]));
    assert_eq!(
        curves.series[0].style,
        Style::Line {
            dash: Dash::Dashed,
            markers: false
        }
    );
    assert_eq!(curves.series[1].color, Some(COLOR_CYCLE[1]));
    assert_eq!(grid.axes[2].title.as_deref(), Some("mae"));

    let picture = &figures[3].axes[0];
    assert!(picture.hidden);
    let image = picture.image.as_ref().expect("imshow keeps the image");
    assert_eq!((image.width, image.height, image.rgb.len()), (6, 4, 72));
}

/// Without a host that draws, a run still works and says once that its
/// figures are not drawn; data matplotlib cannot draw either is left out
/// with a note, not a crash.
#[test]
fn figures_without_a_host_or_with_odd_data_do_not_stop_the_program() {
    let printed = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&printed);
    let mut interpreter = Interpreter::new(Limits::default(), move |text| {
        sink.borrow_mut().push_str(text)
    });
    let source = r#"
import matplotlib.pyplot as plt
import matplotlib.image as mpimg
plt.plot([1, 2, 3]); plt.show()
plt.plot([4, 5]); plt.savefig("x.png")
plt.imshow(mpimg.imread("horse.png"))
plt.plot({"a": 1})
plt.xticks(rotation=45); plt.tight_layout(); plt.style.use("ggplot")
print("done")
"#;
    let parsed = dojo_lang::parse(source);
    interpreter.run(&parsed.module).unwrap();
    assert_eq!(
        printed.take(),
        "[Dojo] figures are not drawn in this run\n\
         [Dojo] plt.imshow(...): only arrays of shape (height, width), (height, width, 1), (height, width, 3) or (height, width, 4) are drawn; this image is left out\n\
         [Dojo] plt.plot(...): these values cannot be drawn (give lists or numpy arrays of numbers); the series is left out\n\
         done\n"
    );
}
