"""What the browser tests measure of a page's layout on a phone."""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# (the element on top, the element that follows it below) on a phone
STACKED = [("#essay-text", ".essay-readings"), (".mark-essay", ".mark-panel")]
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"
# The elements that stick out past the right edge, to say what to fix when a page is too wide.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !inScroller(el))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
}"""
