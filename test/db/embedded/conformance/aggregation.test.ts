// Aggregation: $match $lookup $unwind $group $sort $facet $dateToString $project $count $out, through the
// driver and through mongoose (countDocuments is an aggregate too).
import type { Collection, Document } from "mongodb";
import mongoose from "mongoose";
import { sentCommands, startTarget, type Target } from "../../../support/engine-target";

let t: Target;
let orders: Collection<Document>;
let customers: Collection<Document>;

const day = (d: number, h = 12): Date => new Date(Date.UTC(2024, 2, d, h));

beforeAll(async () => {
  t = await startTarget("aggregation");
  customers = t.db().collection("customers");
  orders = t.db().collection("orders");
  await customers.insertMany([
    { _id: "c1" as never, name: "Ann", country: "IT" },
    { _id: "c2" as never, name: "Bob", country: "DE" },
    { _id: "c3" as never, name: "Cid", country: "IT" },
  ]);
  await orders.insertMany([
    {
      customer: "c1",
      at: day(1),
      status: "paid",
      items: [
        { sku: "a", qty: 2, price: 300 },
        { sku: "b", qty: 1, price: 1000 },
      ],
    },
    { customer: "c1", at: day(1, 23), status: "paid", items: [{ sku: "a", qty: 1, price: 300 }] },
    { customer: "c2", at: day(2), status: "paid", items: [{ sku: "c", qty: 5, price: 50 }] },
    { customer: "c2", at: day(3), status: "refunded", items: [{ sku: "a", qty: 1, price: 300 }] },
    { customer: "c9", at: day(3), status: "paid", items: [{ sku: "b", qty: 1, price: 1000 }] },
  ]);
});
afterAll(async () => {
  await t?.stop();
});

describe("aggregate", () => {
  test("$match + $unwind + $group + $sort: revenue per sku", async () => {
    const rows = await orders
      .aggregate([
        { $match: { status: "paid" } },
        { $unwind: "$items" },
        {
          $group: {
            _id: "$items.sku",
            qty: { $sum: "$items.qty" },
            revenue: { $sum: { $multiply: ["$items.qty", "$items.price"] } },
            orders: { $sum: 1 },
          },
        },
        { $sort: { revenue: -1, _id: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: "b", qty: 2, revenue: 2000, orders: 2 },
      { _id: "a", qty: 3, revenue: 900, orders: 2 },
      { _id: "c", qty: 5, revenue: 250, orders: 1 },
    ]);
  });

  test("$lookup + $unwind (preserveNullAndEmptyArrays) + $project", async () => {
    const rows = await orders
      .aggregate([
        { $match: { status: "paid" } },
        { $lookup: { from: "customers", localField: "customer", foreignField: "_id", as: "who" } },
        { $unwind: { path: "$who", preserveNullAndEmptyArrays: true } },
        { $project: { _id: 0, customer: 1, name: { $ifNull: ["$who.name", "unknown"] }, n: { $size: "$items" } } },
        { $sort: { customer: 1, n: -1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { customer: "c1", name: "Ann", n: 2 },
      { customer: "c1", name: "Ann", n: 1 },
      { customer: "c2", name: "Bob", n: 1 },
      { customer: "c9", name: "unknown", n: 1 },
    ]);
  });

  test("$lookup with a pipeline and let", async () => {
    const rows = await customers
      .aggregate([
        {
          $lookup: {
            from: "orders",
            let: { id: "$_id" },
            pipeline: [{ $match: { $expr: { $eq: ["$customer", "$$id"] } } }, { $count: "n" }],
            as: "stats",
          },
        },
        { $project: { name: 1, orders: { $ifNull: [{ $first: "$stats.n" }, 0] } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(rows.map((r) => [r._id, r.orders])).toEqual([
      ["c1", 2],
      ["c2", 2],
      ["c3", 0],
    ]);
  });

  test("$dateToString groups by UTC day and by a timezone", async () => {
    const utc = await orders
      .aggregate([{ $group: { _id: { $dateToString: { format: "%Y-%m-%d", date: "$at" } }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(utc).toEqual([
      { _id: "2024-03-01", n: 2 },
      { _id: "2024-03-02", n: 1 },
      { _id: "2024-03-03", n: 2 },
    ]);
    const rome = await orders
      .aggregate([
        { $match: { customer: "c1" } },
        { $project: { _id: 0, d: { $dateToString: { format: "%Y-%m-%dT%H:%M", date: "$at", timezone: "Europe/Rome" } } } },
        { $sort: { d: 1 } },
      ])
      .toArray();
    expect(rome.map((r) => r.d)).toEqual(["2024-03-01T13:00", "2024-03-02T00:00"]);
  });

  test("$facet runs sub-pipelines over the same input, with $count", async () => {
    const [facets] = await orders
      .aggregate([
        {
          $facet: {
            byStatus: [{ $group: { _id: "$status", n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            total: [{ $count: "n" }],
            firstTwo: [{ $sort: { at: 1, customer: 1 } }, { $limit: 2 }, { $project: { _id: 0, customer: 1 } }],
          },
        },
      ])
      .toArray();
    expect(facets.byStatus).toEqual([
      { _id: "paid", n: 4 },
      { _id: "refunded", n: 1 },
    ]);
    expect(facets.total).toEqual([{ n: 5 }]);
    expect(facets.firstTwo).toEqual([{ customer: "c1" }, { customer: "c1" }]);
  });

  test("$group accumulators: $avg $min $max $push $addToSet $first after $sort", async () => {
    const rows = await orders
      .aggregate([
        { $unwind: "$items" },
        { $sort: { "items.price": 1, "items.sku": 1 } },
        {
          $group: {
            _id: "$customer",
            avg: { $avg: "$items.qty" },
            min: { $min: "$items.price" },
            max: { $max: "$items.price" },
            skus: { $addToSet: "$items.sku" },
            prices: { $push: "$items.price" },
            cheapest: { $first: "$items.sku" },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(rows.map((r) => ({ ...r, skus: (r.skus as string[]).sort() }))).toEqual([
      { _id: "c1", avg: 4 / 3, min: 300, max: 1000, skus: ["a", "b"], prices: [300, 300, 1000], cheapest: "a" },
      { _id: "c2", avg: 3, min: 50, max: 300, skus: ["a", "c"], prices: [50, 300], cheapest: "c" },
      { _id: "c9", avg: 1, min: 1000, max: 1000, skus: ["b"], prices: [1000], cheapest: "b" },
    ]);
  });

  test("$count, $skip and $limit over several batches (batchSize 2)", async () => {
    expect(await orders.aggregate([{ $match: { status: "paid" } }, { $count: "paid" }]).toArray()).toEqual([{ paid: 4 }]);
    const from = t.started.length;
    const rows = await orders
      .aggregate([{ $sort: { at: 1, customer: 1 } }, { $skip: 1 }, { $limit: 3 }, { $project: { _id: 0, customer: 1 } }], { batchSize: 2 })
      .toArray();
    expect(rows.map((r) => r.customer)).toEqual(["c1", "c2", "c2"]);
    expect(sentCommands(t, "getMore", from).length).toBeGreaterThanOrEqual(1);
  });

  test("$count over no documents returns no document (not { n: 0 })", async () => {
    expect(await orders.aggregate([{ $match: { status: "nope" } }, { $count: "n" }]).toArray()).toEqual([]);
    expect(
      await t
        .db()
        .collection("empty_coll")
        .aggregate([{ $count: "n" }])
        .toArray(),
    ).toEqual([]);
  });

  test("$out replaces the target collection with the pipeline's output", async () => {
    const target = t.db().collection("sku_totals");
    await target.insertOne({ _id: "stale" as never });
    const cursor = orders.aggregate([
      { $unwind: "$items" },
      { $group: { _id: "$items.sku", qty: { $sum: "$items.qty" } } },
      { $out: "sku_totals" },
    ]);
    expect(await cursor.toArray()).toEqual([]);
    const rows = await target.find({}, { sort: { _id: 1 } }).toArray();
    expect(rows).toEqual([
      { _id: "a", qty: 4 },
      { _id: "b", qty: 2 },
      { _id: "c", qty: 5 },
    ]);
  });

  test("stages do not modify the stored documents ($set/$unset on nested paths)", async () => {
    await orders.aggregate([{ $set: { "items.price": 0, extra: 1 } }, { $unset: "status" }]).toArray();
    expect(await orders.countDocuments({ status: { $exists: true } })).toBe(5);
    expect(await orders.countDocuments({ "items.price": 0 })).toBe(0);
    expect(await orders.countDocuments({ extra: { $exists: true } })).toBe(0);
  });

  test("mongoose Model.aggregate and countDocuments", async () => {
    const Order = t.connection.model(
      "Order",
      new mongoose.Schema({ customer: String, status: String, at: Date }, { collection: "orders" }),
    );
    expect(await Order.countDocuments({ status: "paid", customer: { $ne: "c9" } })).toBe(3);
    const rows = await Order.aggregate<{ _id: string; n: number }>([
      { $group: { _id: "$customer", n: { $sum: 1 } } },
      { $sort: { n: -1, _id: 1 } },
      { $limit: 2 },
    ]);
    expect(rows).toEqual([
      { _id: "c1", n: 2 },
      { _id: "c2", n: 2 },
    ]);
  });
});
