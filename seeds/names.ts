/** Name and ethnicity material for the seed generator. Weights are approximate national frequencies (percent). */
import type { Random } from "./random.js";

export const SURNAMES: readonly (readonly [string, number])[] = [
  ["王", 7.12],
  ["李", 7.06],
  ["张", 6.71],
  ["刘", 5.38],
  ["陈", 4.53],
  ["杨", 3.08],
  ["黄", 2.23],
  ["赵", 2.0],
  ["吴", 1.94],
  ["周", 1.87],
  ["徐", 1.45],
  ["孙", 1.38],
  ["马", 1.29],
  ["朱", 1.28],
  ["胡", 1.16],
  ["郭", 1.13],
  ["何", 1.1],
  ["林", 1.0],
  ["高", 1.0],
  ["罗", 0.99],
  ["郑", 0.96],
  ["梁", 0.86],
  ["谢", 0.76],
  ["宋", 0.63],
  ["唐", 0.61],
  ["许", 0.58],
  ["韩", 0.57],
  ["冯", 0.55],
  ["邓", 0.54],
  ["曹", 0.51],
  ["彭", 0.5],
  ["曾", 0.49],
  ["肖", 0.48],
  ["田", 0.47],
  ["董", 0.47],
  ["袁", 0.46],
  ["潘", 0.44],
  ["于", 0.42],
  ["蒋", 0.42],
  ["蔡", 0.41],
  ["余", 0.4],
  ["杜", 0.39],
  ["叶", 0.38],
  ["程", 0.37],
  ["苏", 0.36],
  ["魏", 0.35],
  ["吕", 0.34],
  ["丁", 0.33],
  ["任", 0.32],
  ["沈", 0.31],
  ["姚", 0.3],
  ["卢", 0.3],
  ["姜", 0.29],
  ["崔", 0.28],
  ["钟", 0.28],
  ["谭", 0.27],
  ["陆", 0.26],
  ["汪", 0.25],
  ["范", 0.25],
  ["金", 0.24],
  ["石", 0.24],
  ["廖", 0.23],
  ["贾", 0.23],
  ["夏", 0.22],
  ["韦", 0.22],
  ["付", 0.22],
  ["方", 0.21],
  ["白", 0.21],
  ["邹", 0.2],
  ["孟", 0.2],
  ["熊", 0.2],
  ["秦", 0.19],
  ["邱", 0.19],
  ["江", 0.19],
  ["尹", 0.19],
  ["薛", 0.18],
  ["段", 0.18],
  ["雷", 0.17],
  ["侯", 0.17],
  ["龙", 0.17],
  ["史", 0.17],
  ["陶", 0.16],
  ["黎", 0.16],
  ["贺", 0.16],
  ["毛", 0.16],
  ["郝", 0.15],
  ["龚", 0.15],
  ["邵", 0.15],
  ["向", 0.14],
  ["舒", 0.1],
  ["滕", 0.06],
  ["粟", 0.05],
  ["蒲", 0.05],
  ["欧", 0.05],
];

/** Surnames common among the Dong and Miao of western Hunan. */
export const MINORITY_SURNAMES: readonly (readonly [string, number])[] = [
  ["杨", 10],
  ["吴", 9],
  ["龙", 8],
  ["石", 6],
  ["粟", 5],
  ["姚", 3],
  ["滕", 3],
  ["蒲", 2],
  ["向", 3],
  ["田", 3],
  ["欧", 2],
  ["吕", 2],
  ["张", 3],
  ["李", 3],
  ["陆", 2],
  ["麻", 2],
  ["舒", 2],
  ["伍", 2],
];

export const MALE_CHARS = [
  ..."伟强军勇杰涛明超华平辉刚健斌波峰磊鹏飞龙宇浩俊文志建国海林东德成福生贵才富荣金长发祥兵春永顺家良忠清松玉山光德益宏武正伦昌云庆洪树胜新",
];
export const FEMALE_CHARS = [
  ..."芳娟敏静丽艳秀英华慧玲桂兰琴霞梅红燕萍莉婷雪娜琳凤翠菊珍玉云莲妹梦欣怡雨佳彤花香春秋月素淑巧娥莹媛",
];

export function surname(rng: Random, ethnicity: string): string {
  if (ethnicity !== "汉族" && rng.chance(0.7)) return rng.weighted(MINORITY_SURNAMES);
  return rng.weighted(SURNAMES);
}

export function givenName(rng: Random, gender: "MALE" | "FEMALE"): string {
  const chars = gender === "MALE" ? MALE_CHARS : FEMALE_CHARS;
  const first = rng.pick(chars);
  if (rng.chance(0.25)) return first;
  let second = rng.pick(chars);
  if (second === first && rng.chance(0.8)) second = rng.pick(chars);
  return first + second;
}

export function fullName(rng: Random, family: string, gender: "MALE" | "FEMALE"): string {
  return family + givenName(rng, gender);
}

/** Ethnic mix of a county (Huaihua: Han majority; Dong, Miao, Yao, Tujia present). */
export function ethnicMix(countyName: string): readonly (readonly [string, number])[] {
  if (countyName.includes("通道"))
    return [
      ["侗族", 70],
      ["汉族", 18],
      ["苗族", 8],
      ["瑶族", 4],
    ];
  if (countyName.includes("新晃"))
    return [
      ["侗族", 62],
      ["汉族", 30],
      ["苗族", 8],
    ];
  if (countyName.includes("芷江"))
    return [
      ["侗族", 45],
      ["汉族", 45],
      ["苗族", 8],
      ["土家族", 2],
    ];
  if (countyName.includes("靖州"))
    return [
      ["苗族", 35],
      ["侗族", 30],
      ["汉族", 32],
      ["瑶族", 3],
    ];
  if (countyName.includes("麻阳"))
    return [
      ["苗族", 62],
      ["汉族", 35],
      ["土家族", 3],
    ];
  if (countyName.includes("会同"))
    return [
      ["侗族", 40],
      ["苗族", 15],
      ["汉族", 42],
      ["瑶族", 3],
    ];
  if (countyName.includes("沅陵"))
    return [
      ["汉族", 78],
      ["土家族", 12],
      ["苗族", 6],
      ["瑶族", 4],
    ];
  if (countyName.includes("溆浦"))
    return [
      ["汉族", 92],
      ["瑶族", 4],
      ["苗族", 4],
    ];
  return [
    ["汉族", 88],
    ["苗族", 5],
    ["侗族", 4],
    ["瑶族", 1.5],
    ["土家族", 1.5],
  ];
}

/** Syllables for fictional township and village names. */
export const PLACE_FIRST = [..."大小上下新老高低东西南北中黄白青石竹松桃李杨梅枫柳龙凤金银马牛鹤云溪江岩塘坪田"];
export const PLACE_SECOND = [..."山坡岭冲坪溪湾塘桥口寨坳垅田洞坝湖井港铺园林岗坊"];

export function placeName(rng: Random): string {
  return rng.pick(PLACE_FIRST) + rng.pick(PLACE_SECOND);
}

export const MIGRANT_PLACES: readonly (readonly [string, number])[] = [
  ["广东省东莞市", 18],
  ["广东省深圳市", 16],
  ["广东省广州市", 12],
  ["广东省佛山市", 8],
  ["浙江省宁波市", 8],
  ["浙江省杭州市", 6],
  ["浙江省温州市", 4],
  ["江苏省苏州市", 6],
  ["上海市", 5],
  ["福建省厦门市", 4],
  ["北京市", 2],
];
export const IN_PROVINCE_PLACES: readonly (readonly [string, number])[] = [
  ["湖南省长沙市", 50],
  ["湖南省怀化市", 25],
  ["湖南省株洲市", 8],
  ["湖南省湘潭市", 6],
  ["湖南省邵阳市", 5],
  ["湖南省常德市", 6],
];
