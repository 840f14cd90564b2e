/**
 * Findings: what a file carries, as data (mirrors src/privpix/formats/findings.py).
 *
 * One vocabulary for both engines. The web app renders findings for people; the conformance test
 * checks that both engines report the same ones for every corpus file.
 */

export type Category = 'location' | 'device' | 'time' | 'people' | 'embedded' | 'blocks' | 'kept';

/** [key, heading] in the order people read them. */
export const CATEGORIES: ReadonlyArray<readonly [Category, string]> = [
  ['location', 'Location'],
  ['device', 'Device'],
  ['time', 'Time'],
  ['people', 'People and rights'],
  ['embedded', 'Embedded images'],
  ['blocks', 'Other blocks'],
  ['kept', 'Kept by a strip'],
];

/** Stable identifiers for JSON readers, one per label (labels are for people and may be reworded;
 *  keys are not); findings.py has the same table. A label missing here gets its lower-cased words
 *  joined by "_" (`findingKey`). */
const FINDING_KEYS: Readonly<Record<string, string>> = {
  "Accessibility text": 'accessibility_text',
  "Accessory serial number": 'accessory_serial_number',
  "Alpha channel": 'alpha_channel',
  "Application extension": 'application_extension',
  "Artist": 'artist',
  "Author": 'author',
  "Author (Windows)": 'author_windows',
  "Auxiliary image": 'auxiliary_image',
  "Binary XML metadata": 'binary_xml_metadata',
  "Body serial number": 'body_serial_number',
  "C2PA / JUMBF": 'c2pa',
  "Camera make": 'camera_make',
  "Camera model": 'camera_model',
  "Camera owner": 'camera_owner',
  "Caption": 'caption',
  "Caption writer": 'caption_writer',
  "City": 'city',
  "Comment": 'comment',
  "Comment (Windows)": 'comment_windows',
  "Contact": 'contact',
  "Copyright": 'copyright',
  "Country": 'country',
  "Creator": 'creator',
  "Creator contact": 'creator_contact',
  "Creator's job title": 'creator_job_title',
  "Credit": 'credit',
  "Created": 'date_created',
  "Digitized": 'date_digitized',
  "Digitized (date)": 'date_digitized_date',
  "Metadata modified": 'date_metadata_modified',
  "Modified": 'date_modified',
  "Taken": 'date_taken',
  "Taken (date)": 'date_taken_date',
  "Taken (time)": 'date_taken_time',
  "Depth map": 'depth_map',
  "Description": 'description',
  "Description property": 'description_property',
  "Disclaimer": 'disclaimer',
  "Document ID": 'document_id',
  "Document name": 'document_name',
  "EXIF": 'exif',
  "Exif IFD": 'exif_ifd',
  "EXIF thumbnail": 'exif_thumbnail',
  "Extended XMP": 'extended_xmp',
  "GeoTIFF georeferencing": 'geotiff',
  "Altitude": 'gps_altitude',
  "GPS block": 'gps_block',
  "GPS position": 'gps_position',
  "GPS time (UTC)": 'gps_time',
  "HDR gain map": 'hdr_gain_map',
  "Host computer": 'host_computer',
  "ICC profile": 'icc_profile',
  "Image unique ID": 'image_unique_id',
  "Internal serial number": 'internal_serial_number',
  "IPTC": 'iptc',
  "Item groups": 'item_groups',
  "Item protection": 'item_protection',
  "JFIF extension thumbnail": 'jfif_extension_thumbnail',
  "JFIF thumbnail": 'jfif_thumbnail',
  "Embedded JPEG preview": 'jpeg_preview',
  "Keywords": 'keywords',
  "Keywords (Windows)": 'keywords_windows',
  "Lens make": 'lens_make',
  "Lens": 'lens_model',
  "Lens serial number": 'lens_serial_number',
  "MakerNotes": 'maker_notes',
  "MPF images": 'mpf_images',
  "Orientation": 'orientation',
  "Original document ID": 'original_document_id',
  "Other chunk": 'other_chunk',
  "Other image": 'other_image',
  "Padding": 'padding',
  "Page name": 'page_name',
  "Photoshop IRB": 'photoshop_irb',
  "Photoshop thumbnail": 'photoshop_thumbnail',
  "Portrait matte": 'portrait_matte',
  "Raw profile": 'raw_profile',
  "Reduced-resolution image": 'reduced_resolution_image',
  "Rights owner": 'rights_owner',
  "Software": 'software',
  "Source": 'source',
  "Source device": 'source_device',
  "State/province": 'state_province',
  "SubIFD image": 'subifd_image',
  "Subject (Windows)": 'subject_windows',
  "Sublocation": 'sublocation',
  "TAI clock information": 'tai_clock',
  "TAI timestamp": 'tai_timestamp',
  "Text": 'text',
  "Thumbnail": 'thumbnail',
  "TIFF metadata tags": 'tiff_metadata_tags',
  "Time zone": 'time_zone',
  "Time zone (digitized)": 'time_zone_digitized',
  "Time zone (modified)": 'time_zone_modified',
  "Title": 'title',
  "Title (Windows)": 'title_windows',
  "Data after the end of the image": 'trailing_data',
  "Unknown box": 'unknown_box',
  "User comment": 'user_comment',
  "Vendor block": 'vendor_block',
  "Warning": 'warning',
  "Windows thumbnail": 'windows_thumbnail',
  "XML metadata": 'xml_metadata',
  "XMP": 'xmp',
};

/** The stable key of a finding labelled `label` (e.g. "Taken" -> "date_taken"). */
export function findingKey(label: string): string {
  const known = FINDING_KEYS[label];
  if (known !== undefined) return known;
  return label.toLowerCase().match(/[a-z0-9]+/g)?.join('_') ?? 'unnamed';
}

/** One thing a file carries: `value` of `label` (stable `key`), found in `block` at `offset`. */
export interface Finding {
  category: Category;
  key: string;
  label: string;
  value: string;
  block: string;
  offset: number;
  length: number;
  data?: Record<string, number | null>;
}

export function finding(
  category: Category,
  label: string,
  value: string,
  block: string,
  offset: number,
  length: number,
  data?: Record<string, number | null>,
): Finding {
  const f: Finding = { category, key: findingKey(label), label, value, block, offset, length };
  if (data !== undefined) f.data = data;
  return f;
}

/** Everything `inspect` learns about one file. */
export interface Inspection {
  format: string;
  mime: string;
  width: number | null;
  height: number | null;
  findings: Finding[];
  warnings: string[];
  /** The file was cut short: what is there was read (a warning says where). */
  damaged: boolean;
}

/** What `before` reported that `after` no longer does (same category, label and value): the
 *  "removed" list of every tool's report (findings.py's removed_findings). */
export function removedFindings(before: Finding[], after: Finding[]): Finding[] {
  const key = (f: Finding): string => JSON.stringify([f.category, f.label, f.value]);
  const remaining = new Set(after.map(key));
  return before.filter((f) => !remaining.has(key(f)));
}

/** Sizes for people ("812 bytes", "4.5 kB", "1.96 MB"), in integer arithmetic like the Python engine. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} byte${n === 1 ? '' : 's'}`;
  if (n < 1_000_000) {
    const tenths = Math.floor((n + 50) / 100);
    return `${Math.floor(tenths / 10)}.${tenths % 10} kB`;
  }
  const hundredths = Math.floor((n + 5_000) / 10_000);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')} MB`;
}

/** `x` with `digits` decimals, rounding half away from zero exactly as the Python engine does. */
export function formatFixed(x: number, digits: number): string {
  const negative = x < 0;
  const scale = 10 ** digits;
  const scaled = Math.floor(Math.abs(x) * scale + 0.5);
  const whole = Math.floor(scaled / scale);
  const frac = scaled % scale;
  const text = digits ? `${whole}.${String(frac).padStart(digits, '0')}` : `${whole}`;
  return negative && scaled ? `-${text}` : text;
}

/** Strip ASCII whitespace and NULs only, like the Python engine's `trim`. */
export function trim(text: string): string {
  return text.replace(/^[ \t\n\r\v\f\0]+|[ \t\n\r\v\f\0]+$/g, '');
}

/** "1 tag", "2 tags". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
