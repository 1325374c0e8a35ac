//! Unix milliseconds as the user's local date and time, through the
//! browser's `Date` (its time zone). Only views call this: it needs a
//! JavaScript host.

/// `2026-12-03 14:05`.
pub fn local_time(unix_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// The window's wall clock, unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}
