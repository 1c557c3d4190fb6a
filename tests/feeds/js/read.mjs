// Reads calendars the way two JavaScript clients do, for the feed tests (tests/support/calendar_readers.py).
//
// stdin: a JSON list of {"ics": text, "tzid": zone or null, "instants": [seconds since the epoch, UTC]}.
// stdout: a JSON list, one entry per calendar, of
//   {"ical.js": {"events": [[uid, start, end], ...], "local": ["YYYY-MM-DDTHH:MM:SS", ...]},
//    "node-ical": {"events": [[uid, start, end], ...]}}
// with start and end in milliseconds since the epoch (UTC), and "local" each instant as ical.js shows it
// in the feed's own VTIMEZONE ``tzid``. A reader that throws gives {"error": message} instead.
import ICAL from "ical.js";
import nodeIcal from "node-ical";

function readIcalJs(ics, tzid, instants) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return [event.uid, event.startDate.toJSDate().getTime(), event.endDate.toJSDate().getTime()];
  });
  let local = [];
  if (tzid !== null) {
    // The zone as this calendar defines it (not ical.js's own database): what Thunderbird reads it with.
    const definition = calendar
      .getAllSubcomponents("vtimezone")
      .find((zone) => zone.getFirstPropertyValue("tzid") === tzid);
    if (definition === undefined) throw new Error(`no VTIMEZONE ${tzid}`);
    const zone = new ICAL.Timezone(definition);
    local = instants.map((seconds) => {
      const utc = ICAL.Time.fromJSDate(new Date(seconds * 1000), true);
      return utc.convertToZone(zone).toString();
    });
  }
  return { events, local };
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
const answers = calendars.map(({ ics, tzid, instants }) => ({
  "ical.js": attempt(() => readIcalJs(ics, tzid ?? null, instants ?? [])),
  "node-ical": attempt(() => readNodeIcal(ics)),
}));
process.stdout.write(JSON.stringify(answers));
