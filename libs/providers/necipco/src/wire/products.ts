export interface WireProduct {
  id: string;
  name: string;
  description?: string;
  country?: { code: string; description?: string | null };
  coin?: { code: string; description?: string | null };
  type?: { key: string; value?: string };
  status?: { key: string; value?: string };
  affinity_group?: string;
  stock_cards?: number;
  allow_blank_curp?: boolean;
  allow_blank_rfc?: boolean;
}

export interface ProductsResponseData {
  products: { total: number; detail: WireProduct[] };
}
