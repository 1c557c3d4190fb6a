// Reads calendars the way two JavaScript clients do, for the feed tests (tests/support/calendar_readers.py).
//
// stdin: a JSON list of calendars (iCalendar text).
// stdout: a JSON list, one entry per calendar, of
//   {"ical.js": {"events": [[uid, start, end], ...]}, "node-ical": {"events": [[uid, start, end], ...]}}
// with start and end in milliseconds since the epoch (UTC). A reader that throws gives {"error": message}.
// ical.js resolves a TZID with the calendar's own VTIMEZONE, as Thunderbird reads a subscribed feed.
import ICAL from "ical.js";
import nodeIcal from "node-ical";

function readIcalJs(ics) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return [event.uid, event.startDate.toJSDate().getTime(), event.endDate.toJSDate().getTime()];
  });
  return { events };
}

function readNodeIcal(ics) {
  const parsed = nodeIcal.sync.parseICS(ics);
  const events = Object.values(parsed)
    .filter((item) => item.type === "VEVENT")
    .map((event) => [event.uid, event.start.getTime(), event.end.getTime()]);
  return { events };
}

function attempt(read) {
  try {
    return read();
  } catch (error) {
    return { error: String(error && error.stack ? error.stack : error) };
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const calendars = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const answers = calendars.map((ics) => ({
  "ical.js": attempt(() => readIcalJs(ics)),
  "node-ical": attempt(() => readNodeIcal(ics)),
}));
process.stdout.write(JSON.stringify(answers));
