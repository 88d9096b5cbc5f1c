// Minimal types for the parts of dns2 2.1.0 that the test DNS server uses.
declare module 'dns2' {
  type Question = { name: string; type: number; class: number };
  type Resource = { name: string; type: number; class: number; ttl: number; [field: string]: unknown };
  class Packet {
    header: { id: number; qr: number; aa: number; rcode: number; [field: string]: number };
    questions: Question[];
    answers: Resource[];
    authorities: Resource[];
    additionals: Resource[];
    static TYPE: Record<'A' | 'NS' | 'SOA' | 'TXT' | 'AAAA' | 'ANY', number> & Record<string, number>;
    static CLASS: Record<'IN' | 'ANY', number> & Record<string, number>;
    static createResponseFromRequest(request: Packet): Packet;
    static Writer: new () => Writer;
    static Name: { encode(domain: string, writer?: Writer): Buffer };
  }
  type Writer = { write(value: number, bits: number): void; toBuffer(): Buffer };
  type Send = (response: Packet) => Promise<unknown>;
  type DnsServer = {
    listen(options: { udp?: { port: number; address: string; type?: 'udp4' | 'udp6' } }): Promise<{
      udp?: { address: string; port: number };
    }>;
    close(): Promise<void>;
    on(event: 'requestError' | 'error', listener: (error: Error) => void): DnsServer;
  };
  const dns2: {
    Packet: typeof Packet;
    createServer(options: {
      udp?: boolean;
      handle: (request: Packet, send: Send, rinfo: unknown) => void;
    }): DnsServer;
  };
  export default dns2;
}
