// The compact stock index (carjunction/site/stock_index.py: columns, one entry per listed car) and the cards the
// build's <template>s describe, for the stock page and the order page. The markup, the words and the URL scheme
// (photo and page) are in the templates, made by the build (vehicle_pages.card_pattern); this fills their
// {placeholders} and makes no URL of its own.

// The index, or null when it cannot be had (offline, a failed deploy): the page says so in its own words.
async function fetchStock(url) {
  try {
    const response = await fetch(url);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// The index's columns as one record for the car at position i.
function stockRow(index, i, epochDays = Date.parse(index.epoch) / 86400000) {
  const code = index.codes[index.mc[i]];
  const chassis = index.ch[i];
  return {
    no: index.no[i],
    model: index.md[i],
    make: index.model_make[index.md[i]],
    code,
    chassis: chassis.startsWith("-") ? code + chassis : chassis,
    year: index.yr[i],
    km: index.km[i],
    usd: index.usd[i],
    added: epochDays + index.add[i],
    photo: index.ph[i],
    tw: index.tw[i],
    f: index.f[i],
    t: index.t[i],
    d: index.d[i],
    s: index.s[i],
    b: index.b[i],
  };
}

function stockRows(index) {
  const epochDays = Date.parse(index.epoch) / 86400000;
  return index.no.map((_, i) => stockRow(index, i, epochDays));
}

// A copy of a <template> with {name} in its text and attributes replaced by the values (text, never HTML).
function fromTemplate(template, values) {
  const node = template.content.cloneNode(true);
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let at = walker.nextNode(); at; at = walker.nextNode()) {
    if (at.nodeType === Node.TEXT_NODE) at.nodeValue = fill(at.nodeValue, values);
    else for (const attribute of at.attributes) attribute.value = fill(attribute.value, values);
  }
  return node;
}

// What the card template's placeholders stand for (vehicle_pages.card_pattern names them): the photo's id `ph`
// and width `tw` as the index gives them, numbers written in the page's language.
function cardValues(ix, row) {
  const { no, year, photo, tw } = row;
  const names = { make: ix.makes[row.make], model: ix.models[row.model] };
  return { no, year, ph: photo, tw, ...names, km: grouped(row.km), usd: grouped(row.usd) };
}
