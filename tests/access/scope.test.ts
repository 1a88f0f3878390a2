import { sql } from "drizzle-orm";
import { it } from "vitest";
import { openTestDatabase } from "../helpers/database.js";

it("explore", async () => {
  const database = await openTestDatabase();
  const q = async (s: ReturnType<typeof sql>) => console.log(JSON.stringify(await database.rows(s)));
  await q(
    sql`select code, name, level, parent_code from regions where level in ('PROVINCE','CITY','COUNTY') order by code`,
  );
  await q(sql`select left(village_code,6) c, count(*) from households group by 1`);
  await q(sql`select left(village_code,6) c, count(*) from members group by 1`);
  await q(sql`select left(code,6) c, count(*) from villages group by 1`);
  await q(sql`select left(region_code,6) c, count(*), min(region_code), max(region_code) from projects group by 1`);
  await q(sql`select left(village_code,6) c, kind, count(*) from assets group by 1,2`);
  await q(sql`select village_code, count(*) from households group by 1 order by 2 limit 5`);
  await q(sql`select count(*) from regions where level='TOWNSHIP'`);
  await q(sql`select left(r.code,6) c, count(*) from regions r where level='TOWNSHIP' group by 1`);
  await q(
    sql`select a.cadre_id, count(*) filter (where left(h.village_code,6)='431221') a, count(*) filter (where left(h.village_code,6)='431202') b from cadre_household_assignments a join households h on h.id=a.household_id where a.end_date is null group by 1 order by 3 desc, 2 desc limit 5`,
  );
  await q(
    sql`select p.id, count(*) filter (where left(h.village_code,6)='431221') a, count(*) filter (where left(h.village_code,6)='431202') b, min(p.region_code) from project_beneficiaries pb join projects p on p.id=pb.project_id join households h on h.id=pb.household_id group by 1 order by 3 desc, 2 desc limit 5`,
  );
  await q(
    sql`select a.agency_id, count(*) filter (where left(v.code,6)='431221') a, count(*) filter (where left(v.code,6)='431202') b from agency_village_assignments a join villages v on v.id=a.village_id where a.end_date is null group by 1 order by 3 desc, 2 desc limit 5`,
  );
  await q(
    sql`select village_code, primary_cause, count(*) from households group by 1,2 having count(*) between 1 and 4 limit 5`,
  );
  await q(
    sql`select count(*) from projects where left(region_code,6) <> left(coalesce((select code from villages v where v.id=projects.village_id), region_code),6)`,
  );
  await q(sql`select kind, custodian_kind, count(*) from assets group by 1,2`);
  await database.dispose();
});
