import dns2 from 'dns2';

const { Packet } = dns2;

// dns2 splits names on every dot; a zone file's `\.` (a dot inside a label, as in an SOA RNAME
// `john\.doe.example.jp`) must stay in its label, so names are encoded here with that escape.
Packet.Name.encode = (domain, writer = new Packet.Writer()) => {
  const labels = (domain ?? '').split(/(?<!\\)\./).filter((label) => label !== '');
  for (const label of labels) {
    const bytes = Buffer.from(label.replace(/\\\./g, '.'), 'latin1');
    writer.write(bytes.length, 8);
    for (const byte of bytes) writer.write(byte, 8);
  }
  writer.write(0, 8);
  return writer.toBuffer();
};

/** What the test server answers for one name (names are matched case-insensitively, without the trailing dot). */
export type ZoneEntry = {
  /** TXT records, each as its character-strings (`[['a@', 'example.jp']]` is one record in two chunks). */
  readonly txt?: readonly (readonly string[])[];
  readonly soa?: { readonly mname: string; readonly rname: string };
  /** Answer every query for the name with this rcode instead. */
  readonly rcode?: 'servfail' | 'refused' | 'nxdomain';
  /** Never answer queries for the name (a time-out). */
  readonly silent?: true;
};

/** Names absent from the zone are NXDOMAIN; a present name without the asked type is NODATA. */
export type Zone = Record<string, ZoneEntry>;

export type TestDnsServer = {
  /** 'ip:port' for `setServers`. */
  readonly address: string;
  /** The questions received, as 'name TYPE', to check what was asked. */
  readonly queries: readonly string[];
  close(): Promise<void>;
};

const RCODE = { noerror: 0, servfail: 2, nxdomain: 3, refused: 5 } as const;
const TTL = 60;

/** A real DNS server on 127.0.0.1 (UDP, random port) answering from `zone`. */
export const startDnsServer = async (zone: Zone): Promise<TestDnsServer> => {
  const entries = new Map(Object.entries(zone).map(([name, entry]) => [normalise(name), entry]));
  const queries: string[] = [];
  const typeName = new Map(Object.entries(Packet.TYPE).map(([name, code]) => [code, name]));

  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      const [question] = request.questions;
      if (question === undefined) return;
      queries.push(`${normalise(question.name)} ${typeName.get(question.type) ?? question.type}`);
      const entry = entries.get(normalise(question.name));
      if (entry?.silent) return;
      if (entry === undefined || entry.rcode !== undefined) {
        response.header.rcode = RCODE[entry?.rcode ?? 'nxdomain'];
        void send(response);
        return;
      }
      const base = { name: question.name, class: Packet.CLASS.IN, ttl: TTL };
      if (question.type === Packet.TYPE.TXT) {
        for (const chunks of entry.txt ?? [])
          response.answers.push({ ...base, type: Packet.TYPE.TXT, data: [...chunks] });
      }
      if (question.type === Packet.TYPE.SOA && entry.soa !== undefined) {
        response.answers.push({
          ...base,
          type: Packet.TYPE.SOA,
          primary: entry.soa.mname,
          admin: entry.soa.rname,
          serial: 2025112501,
          refresh: 3600,
          retry: 600,
          expiration: 604800,
          minimum: 60,
        });
      }
      void send(response);
    },
  });
  server.on('requestError', () => {});
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1', type: 'udp4' } });
  const port = addresses.udp?.port;
  if (port === undefined) throw new Error('the test DNS server did not bind');
  return { address: `127.0.0.1:${port}`, queries, close: () => server.close() };
};

const normalise = (name: string): string => name.toLowerCase().replace(/\.$/, '');
