// A 5x7 pixel font for the display preview, drawn for this project, with
// the printable ASCII characters 32 to 126. Each glyph is 7 characters,
// one per row from the top, and each character is a base-32 digit whose 5
// bits are the row's pixels, the highest bit leftmost.

const GLYPHS =
  '00000004444404aa00000aavavaa4fke5u4op248j3cik8lid44000002488842842224804lel40044v4400000c48000v00000000cc01248g0ehjlphe4c4444eeh1248vv2421he26aiv22vgu11he68guhhev124888ehhehheehhf12c0cc0cc00cc0c48248g84200v0v008421248eh12404eh1dlleehhvhhhuhhuhhuehggghesihhhisvgguggvvggugggehgnhhfhhhvhhhe44444e72222ichikokihggggggvhrllhhhhhpljhhehhhhheuhhugggehhhliduhhukihfgge11uv444444hhhhhhehhhhha4hhhlllahha4ahhhha4444v1248gve88888e0g84210e22222e4ah0000000000v840000000e1fhfggmphhu00egghe11djhhf00ehvge698s8880fhhf1eggmphhh40c444e20622icggikokic44444e00qllhh00mphhh00ehhhe00uhugg00djf1100mpggg00ege1u88s889600hhhjd00hhha400hhlla00ha4ah00hhf1e00v248v244844244444448442448008l200';

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

/** Rows of the glyph for `char` as 5-bit numbers; a '?' for others. */
export function glyphRows(char) {
  let code = char.charCodeAt(0);
  if (code < 32 || code > 126) code = 63;
  const start = (code - 32) * GLYPH_HEIGHT;
  const rows = [];
  for (let i = 0; i < GLYPH_HEIGHT; i++) {
    rows.push(parseInt(GLYPHS.charAt(start + i), 32));
  }
  return rows;
}
