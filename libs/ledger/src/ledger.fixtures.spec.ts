import { loadConfig } from '#libs/config';
import { DatabasePool, Prisma, PrismaService } from '#libs/database';
import { ledgerModelFixtures } from './ledger.fixtures.js';

/** The fixtures the schema round-trip test uses are valid, and the ledger models match their tables column for column. */
describe('ledgerModelFixtures', () => {
  const config = loadConfig();
  const pool = new DatabasePool(config.databaseUrl!, 2);
  const prisma = new PrismaService(pool);

  afterAll(async () => {
    await prisma.$disconnect();
    await pool.close();
  });

  it('creates, reads and updates one row per ledger model through the generated client', async () => {
    const all = ledgerModelFixtures();
    expect(all.map((f) => f.model).sort()).toEqual(Object.values(Prisma.ModelName).filter((m) => m.startsWith('Ledger')).sort());
    for (const f of all) {
      const delegate = (prisma as any)[f.model.charAt(0).toLowerCase() + f.model.slice(1)];
      const created = await delegate.create({ data: f.create });
      const read = await delegate.findUnique({ where: f.where });
      expect(read).toEqual(created);
      const { rows } = await pool.query(`select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`, [f.table]);
      expect({ model: f.model, fields: Object.keys(read).length }).toEqual({ model: f.model, fields: rows.length });
      const updated = await delegate.update({ where: f.where, data: f.update });
      for (const [k, v] of Object.entries(f.update)) expect(updated[k]).toEqual(v);
    }
    // Transfers are append-only: the database refuses the delete.
    const transfer = all.find((f) => f.model === 'LedgerTransfer')!;
    await expect(prisma.ledgerTransfer.delete({ where: transfer.where as { id: string } })).rejects.toThrow();
  });
});
