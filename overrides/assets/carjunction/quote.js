/* The landed-cost quote, the same rule as carjunction.catalogue.quote (the authoritative one):
   exact integer arithmetic, each part rounded half up to a whole dollar, the total their sum.
   Runs in the browser (window.cjQuote) and under node (module.exports) for the shared vectors. */
(function (root) {
  "use strict";
  var INSURED_VALUE_PCT = 110;

  function divideHalfUp(numerator, denominator) {
    return Math.floor((2 * numerator + denominator) / (2 * denominator));
  }

  /* "1.5" -> 150: parsed as text so that no binary fraction creeps in. */
  function basisPoints(pct) {
    var parts = String(pct).split(".");
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return parseInt(parts[0] || "0", 10) * 100 + parseInt(fraction, 10);
  }

  function volumeLitres(vehicle) {
    var mm3 = vehicle.length_mm * vehicle.width_mm * vehicle.height_mm;
    return Math.floor((mm3 + 500000) / 1000000);
  }

  /* vehicle: {length_mm, width_mm, height_mm, price_usd}; port: {freight_usd_per_m3, insurance_bp};
     inspectionFee: whole USD or 0; incoterm: "FOB" | "CFR" | "CIF". */
  function landedCost(vehicle, port, inspectionFee, incoterm) {
    var litres = volumeLitres(vehicle);
    var fob = vehicle.price_usd;
    var freight = incoterm === "FOB" ? 0 : divideHalfUp(litres * port.freight_usd_per_m3, 1000);
    var insurance = 0;
    if (incoterm === "CIF") {
      insurance = divideHalfUp((fob + freight) * INSURED_VALUE_PCT * port.insurance_bp, 100 * 10000);
    }
    var inspection = inspectionFee || 0;
    return {
      volume_m3: litres / 1000,
      fob_usd: fob,
      freight_usd: freight,
      insurance_usd: insurance,
      inspection_usd: inspection,
      total_usd: fob + freight + insurance + inspection
    };
  }

  var api = { landedCost: landedCost, basisPoints: basisPoints, volumeLitres: volumeLitres };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.cjQuote = api;
  }
})(this);
