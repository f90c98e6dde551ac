// The landed-cost quote, the same rule as carjunction.catalogue.quote (the authoritative one): exact integer
// arithmetic, each part rounded half up to a whole dollar, the total their sum. tests/site/test_calculator_js.py
// runs it under node against the shared vectors.
const INSURED_VALUE_PCT = 110;

const divideHalfUp = (numerator, denominator) => Math.floor((2 * numerator + denominator) / (2 * denominator));

// "1.5" -> 150: parsed as text, so that no binary fraction creeps in.
function basisPoints(pct) {
  const [whole, fraction = ""] = String(pct).split(".");
  return parseInt(whole || "0", 10) * 100 + parseInt((fraction + "00").slice(0, 2), 10);
}

function volumeLitres(vehicle) {
  const mm3 = vehicle.length_mm * vehicle.width_mm * vehicle.height_mm;
  return Math.floor((mm3 + 500000) / 1000000);
}

// vehicle: {length_mm, width_mm, height_mm, price_usd}; port: {freight_usd_per_m3, insurance_bp};
// inspectionFee: whole USD or 0; incoterm: "FOB" | "CFR" | "CIF".
function landedCost(vehicle, port, inspectionFee, incoterm) {
  const litres = volumeLitres(vehicle);
  const fob = vehicle.price_usd;
  const freight = incoterm === "FOB" ? 0 : divideHalfUp(litres * port.freight_usd_per_m3, 1000);
  const insured = (fob + freight) * INSURED_VALUE_PCT * port.insurance_bp;
  const insurance = incoterm === "CIF" ? divideHalfUp(insured, 100 * 10000) : 0;
  const inspection = inspectionFee || 0;
  return {
    volume_m3: litres / 1000,
    fob_usd: fob,
    freight_usd: freight,
    insurance_usd: insurance,
    inspection_usd: inspection,
    total_usd: fob + freight + insurance + inspection,
  };
}
