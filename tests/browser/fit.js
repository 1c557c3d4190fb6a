/* What the fit test (test_browser_fit.py) measures on a page: a list of findings in words, empty
   when the page fits. Evaluated by Playwright as a function. */
() => {
  // The layout viewport: a phone zooms a too-wide page out, and innerWidth grows with it.
  const width = document.documentElement.clientWidth;
  const WIDE = 1000;
  const styles = new Map();
  const style = el => {
    if (!styles.has(el)) styles.set(el, getComputedStyle(el));
    return styles.get(el);
  };
  const words = text => (text || '').trim().replace(/\s+/g, ' ').slice(0, 50);
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.classList.length) s += '.' + [...el.classList].join('.');
    const text = words(el.tagName === 'SELECT' ? el.options[el.selectedIndex]?.text : el.value || el.innerText);
    return text ? `${s} "${text}"` : s;
  };
  const where = el => {
    const parts = [];
    for (let a = el.parentElement; a && a !== document.body && parts.length < 2; a = a.parentElement) {
      if (a.id) { parts.push('#' + a.id); break; }
      if (a.classList.length) parts.push(a.tagName.toLowerCase() + '.' + a.classList[0]);
    }
    return parts.length ? ` in ${parts.reverse().join(' ')}` : '';
  };
  const scrolls = el => ['auto', 'scroll'].includes(style(el).overflowX);
  const insideScroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (scrolls(a)) return true;
    return false;
  };
  // Shown to screen readers only (clipped to nothing on purpose), or the skip link off to the left.
  const unseen = el => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const s = style(a);
      if ((s.clip && s.clip !== 'auto') || s.clipPath !== 'none') return true;
      if (a.classList.contains('skip-link')) return true;
    }
    return false;
  };
  const shown = el => el.getClientRects().length > 0 && style(el).visibility === 'visible' && !unseen(el);
  const all = [...document.body.querySelectorAll('*')].filter(el => !el.closest('svg, head, script, style, template, noscript'));
  const visible = all.filter(shown);
  const found = [];

  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width) {
    const out = new Set(all.filter(el => el.getClientRects().length > 0 && el.getBoundingClientRect().right > width + 0.5 && !insideScroller(el)));
    const outermost = [...out].filter(el => !out.has(el.parentElement));
    const innermost = [...out].filter(el => ![...el.children].some(c => out.has(c)));
    found.push(`the page is ${pageWidth} px wide in a ${width} px window; sticking out: `
      + outermost.slice(0, 3).map(el => name(el) + where(el)).join('; ')
      + (innermost.length ? ` (innermost: ${innermost.slice(0, 3).map(name).join('; ')})` : ''));
  }

  // A box that scrolls sideways is for a grid on a phone: on a wide screen nothing needs it (the
  // board's "154 min trave" and the move form's "if it brea rule" were cut by such a box's edge).
  if (width >= WIDE)
    for (const box of visible.filter(el => scrolls(el) && el.scrollWidth > el.clientWidth + 1)) {
      const label = box.tagName.toLowerCase() + (box.classList.length ? '.' + box.classList[0] : '');
      found.push(`scrolls sideways: ${label}${where(box)} shows ${box.clientWidth} of its ${box.scrollWidth} px`);
    }

  for (const el of visible) {
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) continue;
    const s = style(el);
    const clipsX = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis' && s.overflowX !== 'visible';
    const clipsY = ['hidden', 'clip'].includes(s.overflowY);
    if (clipsX && el.scrollWidth > el.clientWidth + 1)
      found.push(`cut off: ${name(el)}${where(el)} shows ${el.clientWidth} of its ${el.scrollWidth} px`);
    else if (clipsY && el.scrollHeight > el.clientHeight + 2)
      found.push(`cut off: ${name(el)}${where(el)} shows ${el.clientHeight} of its ${el.scrollHeight} px height`);
  }

  // A control sized below what it shows: a select against its chosen option, a date or time
  // input against its own fields, each measured by a copy of it at its natural width.
  const natural = el => {
    const copy = el.cloneNode(true);
    copy.removeAttribute('id');
    if (el.tagName === 'SELECT') copy.selectedIndex = -1, [...copy.options].forEach((o, i) => { if (i !== el.selectedIndex) o.remove(); });
    for (const [k, v] of [['position', 'absolute'], ['visibility', 'hidden'], ['width', 'auto'], ['min-width', '0'], ['max-width', 'none'], ['flex', 'none']])
      copy.style.setProperty(k, v, 'important');
    el.after(copy);
    const w = copy.getBoundingClientRect().width;
    copy.remove();
    return w;
  };
  const canvas = document.createElement('canvas').getContext('2d');
  const texty = ['text', 'search', 'email', 'tel', 'url', 'number', ''];
  for (const el of visible.filter(el => ['SELECT', 'INPUT'].includes(el.tagName))) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    const w = el.getBoundingClientRect().width;
    if (el.tagName === 'SELECT' && !el.multiple && el.size <= 1 && el.selectedIndex >= 0 || ['date', 'time', 'datetime-local', 'month', 'week'].includes(type)) {
      const need = natural(el);
      if (need > w + 1) found.push(`too narrow: ${name(el)}${where(el)} is ${Math.round(w)} px, its text needs ${Math.round(need)} px`);
    } else if (el.tagName === 'INPUT' && texty.includes(type) && el.value) {
      const s = style(el);
      canvas.font = s.font;
      const need = canvas.measureText(el.value).width;
      const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - (type === 'number' ? 16 : 0);
      if (need > room + 1) found.push(`too narrow: ${name(el)}${where(el)} has ${Math.round(room)} px for ${Math.round(need)} px of text`);
    }
  }

  // A line of text running out of the box that holds it: over its neighbour, or cut by the window.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const spilt = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.nodeValue.trim()) continue;
    let box = node.parentElement;
    if (!box || box.closest('svg, select, textarea, script, style, noscript, template') || !shown(box)) continue;
    while (box.parentElement && ['inline', 'contents'].includes(style(box).display)) box = box.parentElement;
    if (spilt.has(box) || scrolls(box) || ['hidden', 'clip'].includes(style(box).overflowX)) continue;
    const edge = box.getBoundingClientRect();
    range.selectNodeContents(node);
    const over = [...range.getClientRects()].some(r => r.width > 0 && (r.right > edge.right + 1 || r.left < edge.left - 1));
    if (over) {
      spilt.add(box);
      found.push(`runs out of its box: "${words(node.nodeValue)}" in ${name(box)}${where(box)} (${Math.round(edge.width)} px wide)`);
    }
  }
  return found;
}
